package org.gpurnn.opencl;

import org.gpurnn.backend.Tokens;
import org.jocl.cl_mem;

/** Token ids and their grouping by id, in device memory as int arrays (released like {@link ClBuf}). */
final class ClTokens extends Tokens {

    final ClBackend owner;
    /** (n) token ids. */
    final cl_mem ids;
    /** (n) rows sorted by id, stable. */
    final cl_mem order;
    /** (vocab + 1) segment starts into {@code order}. */
    final cl_mem segStart;

    ClTokens(ClBackend owner, int n, int vocab, cl_mem ids, cl_mem order, cl_mem segStart) {
        super(n, vocab);
        this.owner = owner;
        this.ids = ids;
        this.order = order;
        this.segStart = segStart;
    }
}
