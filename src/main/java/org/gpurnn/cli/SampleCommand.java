package org.gpurnn.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gpurnn.backend.Backend;
import org.gpurnn.model.Sampler;
import org.gpurnn.model.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates text from a checkpoint and prints it on stdout.",
                "--device auto takes the first GPU, else the plain-Java backend, which samples one stream "
                        + "faster than a CPU OpenCL device."})
public final class SampleCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(SampleCommand.class);

    static final Path DEFAULT_DIR = Path.of("checkpoints");

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint written by 'gpurnn train' (default: checkpoints/best.safetensors, or "
                    + "checkpoints/latest.safetensors when a run saved no best).")
    Path checkpoint;

    @Option(names = "--length", paramLabel = "N", defaultValue = "1000", description = "Symbols to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Softmax temperature; lower is more conservative, 0 always takes the most likely "
                    + "symbol (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--prime", paramLabel = "TEXT", defaultValue = "",
            description = "Text to start from; it is fed to the model and printed first. Without it the "
                    + "model starts as after a line break (or from its first symbol when the text has none).")
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
        Path file = checkpoint != null ? checkpoint : defaultCheckpoint();
        Snapshot snap;
        try {
            snap = Snapshot.read(file);
        } catch (org.gpurnn.io.CheckpointException e) {
            Path latest = file.resolveSibling("latest.safetensors");
            if (!Files.exists(file) && !file.equals(latest) && Files.isRegularFile(latest)) {
                throw new Main.UserException("checkpoint not found: " + file + "; the folder holds " + latest
                        + " (a run that saved no best, e.g. interrupted before validating): pass --checkpoint " + latest);
            }
            throw e;
        }
        log.info("model    {} | {}", file, describe(snap));
        if (!prime.isEmpty()) {
            try {
                snap.vocab().encode(prime);
            } catch (org.gpurnn.data.DataException e) {
                throw new Main.UserException("--prime: " + e.getMessage());
            }
        }
        try (Backend backend = BackendChoice.open(device.value(), true);
             Sampler sampler = new Sampler(backend, snap)) {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            int[] lastWritten = {prime.isEmpty() ? -1 : prime.codePointBefore(prime.length())};
            try {
                out.write(prime);
                sampler.generate(prime, length, temperature, seed, cp -> {
                    try {
                        lastWritten[0] = cp;
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
                if (lastWritten[0] != -1 && lastWritten[0] != '\n') {
                    out.write('\n');  // end the last line, so that a shell prompt starts on its own
                }
                out.flush();
            } catch (ReaderGone e) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return 0;
    }

    /** best.safetensors in the default folder, or latest.safetensors when only that exists. */
    private static Path defaultCheckpoint() {
        Path best = DEFAULT_DIR.resolve("best.safetensors");
        Path latest = DEFAULT_DIR.resolve("latest.safetensors");
        if (!Files.exists(best) && Files.isRegularFile(latest)) {
            log.info("no {}; sampling {}", best, latest);
            return latest;
        }
        return best;
    }

    /** What was loaded, for the log: shape, and where its training stood. */
    private static String describe(Snapshot snap) {
        StringBuilder sb = new StringBuilder(snap.config().summary());
        com.google.gson.JsonObject t = snap.training();
        if (t != null && t.has("step") && t.get("step").isJsonPrimitive()) {
            sb.append(" | step ").append(t.get("step").getAsString());
        }
        if (t != null && t.has("val_loss") && t.get("val_loss").isJsonPrimitive()) {
            sb.append(String.format(java.util.Locale.ROOT, " | val loss %.4f", t.get("val_loss").getAsFloat()));
        }
        return sb.toString();
    }

    /** Standard output was closed by its reader: stop generating. */
    private static final class ReaderGone extends RuntimeException {
        ReaderGone() {
            super(null, null, false, false);
        }
    }
}
