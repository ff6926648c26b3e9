package org.gpurnn.cli;

import org.gpurnn.backend.CellType;
import org.gpurnn.model.ModelConfig;
import picocli.CommandLine.Option;

/**
 * The model and batch shape: the options train and bench share. Each command passes its own defaults,
 * which picocli shows as the fields' starting values.
 */
final class ShapeOptions {

    @Option(names = "--cell", paramLabel = "CELL",
            description = "Recurrent cell: rnn, gru, mgu or lstm (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "L", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--head-layers", paramLabel = "K",
            description = "Extra tanh layers of width H before the softmax (default: ${DEFAULT-VALUE}).")
    int headLayers;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout probability after each recurrent layer, in [0, 1) (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--batch", paramLabel = "B", description = "Parallel streams per batch (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--seq", paramLabel = "T", description = "Steps unrolled per batch (default: ${DEFAULT-VALUE}).")
    int seq = 64;

    ShapeOptions(String cell, int hidden, int layers) {
        this.cell = cell;
        this.hidden = hidden;
        this.layers = layers;
    }

    /** The cell named by --cell; an unknown name is a user error. */
    CellType cellType() {
        try {
            return CellType.parse(cell);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--cell: " + e.getMessage());
        }
    }

    /** Range checks, naming the option at fault. */
    void check() {
        Options.range("--hidden", hidden, 1, ModelConfig.MAX_HIDDEN);
        Options.range("--layers", layers, 1, ModelConfig.MAX_LAYERS);
        Options.range("--head-layers", headLayers, 0, ModelConfig.MAX_HEAD_LAYERS);
        Options.positive("--batch", batch);
        Options.positive("--seq", seq);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new Main.UserException("--dropout must be in [0, 1), got " + dropout);
        }
    }
}
