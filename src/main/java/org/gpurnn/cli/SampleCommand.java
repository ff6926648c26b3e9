package org.gpurnn.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gpurnn.backend.Backend;
import org.gpurnn.model.Sampler;
import org.gpurnn.model.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generates text from a checkpoint and prints it on stdout.")
public final class SampleCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "FILE", defaultValue = "checkpoints/best.safetensors",
            description = "Checkpoint written by 'gpurnn train' (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--length", paramLabel = "N", defaultValue = "1000", description = "Symbols to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Softmax temperature; lower is more conservative, 0 always takes the most likely "
                    + "symbol (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--prime", paramLabel = "TEXT", defaultValue = "",
            description = "Text to start from; it is fed to the model and printed first.")
    String prime;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        Options.nonNegative("--length", length);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new Main.UserException("--temperature must be a number >= 0, got " + temperature);
        }
        Snapshot snap = Snapshot.read(checkpoint);
        if (!prime.isEmpty()) {
            try {
                snap.vocab().encode(prime);
            } catch (org.gpurnn.data.DataException e) {
                throw new Main.UserException("--prime: " + e.getMessage());
            }
        }
        try (Backend backend = BackendChoice.open(device.value());
             Sampler sampler = new Sampler(backend, snap)) {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            try {
                out.write(prime);
                sampler.generate(prime, length, temperature, seed, cp -> {
                    try {
                        out.write(Character.toChars(cp));
                        if (cp == '\n') {
                            out.flush();
                            if (System.out.checkError()) {
                                throw new ReaderGone();  // e.g. piped into head, which has exited
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                out.write('\n');
                out.flush();
            } catch (ReaderGone e) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return 0;
    }

    /** Standard output was closed by its reader: stop generating. */
    private static final class ReaderGone extends RuntimeException {
        ReaderGone() {
            super(null, null, false, false);
        }
    }
}
