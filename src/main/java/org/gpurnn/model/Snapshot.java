package org.gpurnn.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import org.gpurnn.backend.CellType;
import org.gpurnn.data.Vocab;
import org.gpurnn.io.Checkpoint;
import org.gpurnn.io.CheckpointException;

/**
 * A trained model as it is saved: shape, vocabulary, parameters, optimizer state and where training
 * stood. On disk it is a {@link Checkpoint} (safetensors): each parameter tensor under its
 * {@link ParamLayout} name with its shape, so other tools can read the weights, and the optimizer
 * state as flat tensors {@code optimizer.s1}, {@code optimizer.s2}, and the hidden state carried
 * between batches as {@code state} (L, K, B, H), K = 2 for cells with a cell state (h, then c), else
 * 1. Metadata keys: {@code model}
 * (JSON of {@link ModelConfig}), {@code vocab} (JSON array of code points), {@code training} (JSON:
 * step, epoch position, losses, hyper-parameters).
 *
 * @param config   model shape
 * @param vocab    symbols, in id order
 * @param params   flat parameter vector in {@link ParamLayout} order
 * @param optState optimizer state tensors (0, 1 or 2 of them, each as long as params)
 * @param state    the carried hidden state, (L, K, B, H) flat; empty when not saved
 * @param training free-form JSON about the run (may be empty)
 */
public record Snapshot(ModelConfig config, Vocab vocab, float[] params, List<float[]> optState, float[] state,
                       JsonObject training) {

    /** The name of the carried-state tensor. */
    public static final String STATE = "state";

    private static final Gson GSON = new Gson();

    public Snapshot {
        long expected = new ParamLayout(config).size();
        if (params.length != expected) {
            throw new IllegalArgumentException("snapshot: expected " + expected + " parameters, got " + params.length);
        }
        if (vocab.size() != config.vocab()) {
            throw new IllegalArgumentException("snapshot: vocabulary has " + vocab.size() + " symbols, model " + config.vocab());
        }
        if (state.length % stateRowsPerStream(config) != 0) {
            throw new IllegalArgumentException("snapshot: carried state of " + state.length + " values is not "
                    + "a whole number of streams of " + stateRowsPerStream(config));
        }
    }

    /** Values of carried state per stream: L * K * H. */
    static int stateRowsPerStream(ModelConfig config) {
        return config.layers() * config.cell().statesPerLayer() * config.hidden();
    }

    /** A whole number from the training metadata, or {@code otherwise} when it is absent or null. */
    public long trainingLong(String key, long otherwise) {
        return training.has(key) && training.get(key).isJsonPrimitive() ? training.get(key).getAsLong() : otherwise;
    }

    /** The id of the training run that saved this snapshot (kept across resumes); null if it has none. */
    public String runId() {
        return runId(training);
    }

    /** {@link #runId()} of the checkpoint at {@code path}, read from its header alone. */
    public static String runIdOf(Path path) {
        String t = Checkpoint.readMetadata(path).get("training");
        try {
            return t == null ? null : runId(JsonParser.parseString(t).getAsJsonObject());
        } catch (JsonParseException | IllegalStateException e) {
            return null;
        }
    }

    private static String runId(JsonObject t) {
        return t.has("run") && t.get("run").isJsonPrimitive() ? t.get("run").getAsString() : null;
    }

    /** B of the carried state, 0 when none was saved. */
    public int stateStreams() {
        return state.length / stateRowsPerStream(config);
    }

    public void write(Path path) {
        ParamLayout layout = new ParamLayout(config);
        Map<String, String> meta = new LinkedHashMap<>();
        JsonObject m = new JsonObject();
        m.addProperty("cell", config.cell().id());
        m.addProperty("vocab", config.vocab());
        m.addProperty("hidden", config.hidden());
        m.addProperty("layers", config.layers());
        m.addProperty("head_layers", config.headLayers());
        m.addProperty("dropout", config.dropout());
        meta.put("model", m.toString());
        JsonArray v = new JsonArray();
        for (int s : vocab.symbols()) {
            v.add(s);
        }
        meta.put("vocab", v.toString());
        meta.put("training", training == null ? "{}" : training.toString());

        List<Checkpoint.Tensor> tensors = new ArrayList<>();
        for (ParamLayout.Entry e : layout.entries()) {
            float[] data = new float[(int) e.size()];
            System.arraycopy(params, (int) e.offset(), data, 0, data.length);
            tensors.add(new Checkpoint.Tensor(e.name(), e.shape(), data));
        }
        for (int k = 0; k < optState.size(); k++) {
            tensors.add(new Checkpoint.Tensor("optimizer.s" + (k + 1), new int[] {params.length}, optState.get(k)));
        }
        if (state.length > 0) {
            tensors.add(new Checkpoint.Tensor(STATE, new int[] {config.layers(), config.cell().statesPerLayer(),
                stateStreams(), config.hidden()}, state));
        }
        new Checkpoint(meta, tensors).write(path);
    }

    public static Snapshot read(Path path) {
        Checkpoint ck = Checkpoint.read(path);
        Map<String, String> meta = ck.metadata();
        try {
            JsonObject m = JsonParser.parseString(require(meta, "model", path)).getAsJsonObject();
            ModelConfig config = new ModelConfig(CellType.parse(m.get("cell").getAsString()),
                    m.get("vocab").getAsInt(), m.get("hidden").getAsInt(), m.get("layers").getAsInt(),
                    m.get("head_layers").getAsInt(), m.get("dropout").getAsFloat());
            int[] symbols = GSON.fromJson(require(meta, "vocab", path), int[].class);
            Vocab vocab = new Vocab(symbols);
            JsonObject training = meta.containsKey("training")
                    ? JsonParser.parseString(meta.get("training")).getAsJsonObject() : new JsonObject();

            ParamLayout layout = new ParamLayout(config);
            float[] params = new float[Math.toIntExact(layout.size())];
            for (ParamLayout.Entry e : layout.entries()) {
                Checkpoint.Tensor t = ck.tensor(e.name());
                if (!java.util.Arrays.equals(t.shape(), e.shape())) {
                    throw new CheckpointException(path + ": tensor " + e.name() + " has shape "
                            + java.util.Arrays.toString(t.shape()) + ", the model needs "
                            + java.util.Arrays.toString(e.shape())
                            + "\nHINT: the file is damaged or was edited; use another checkpoint");
                }
                float[] v = finite(path, e.name(), t.data());
                System.arraycopy(v, 0, params, (int) e.offset(), v.length);
            }
            // Training state, absent from a weights-only file: optimizer.s1, .s2 as the optimizer has them.
            List<float[]> opt = new ArrayList<>();
            for (int k = 1; ck.has("optimizer.s" + k); k++) {
                float[] v = finite(path, "optimizer.s" + k, ck.tensor("optimizer.s" + k).data());
                if (v.length != params.length) {
                    throw new CheckpointException(path + ": optimizer.s" + k + " has " + v.length
                            + " values, expected " + params.length + "\nHINT: the file is damaged");
                }
                opt.add(v);
            }
            float[] state = ck.has(STATE) ? finite(path, STATE, ck.tensor(STATE).data()) : new float[0];
            if (state.length % stateRowsPerStream(config) != 0) {
                throw new CheckpointException(path + ": tensor " + STATE + " has " + state.length
                        + " values, not a whole number of streams\nHINT: the file is damaged");
            }
            return new Snapshot(config, vocab, params, opt, state, training);
        } catch (JsonParseException | IllegalStateException | NullPointerException | IllegalArgumentException e) {
            throw new CheckpointException(path + ": the model description in the checkpoint is invalid ("
                    + e.getMessage() + ")\nHINT: the file is damaged or was written by another program");
        }
    }

    /** The values of a tensor, refused if any is NaN or infinite. */
    private static float[] finite(Path path, String name, float[] v) {
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) {
                throw new CheckpointException(path + ": tensor " + name + " holds " + v[k] + " at index " + k
                        + "\nHINT: the model diverged before it was saved, or the file is damaged; "
                        + "use an earlier checkpoint");
            }
        }
        return v;
    }

    private static String require(Map<String, String> meta, String key, Path path) {
        String v = meta.get(key);
        if (v == null) {
            throw new CheckpointException(path + ": metadata '" + key + "' is missing"
                    + "\nHINT: pass a checkpoint written by gpurnn train");
        }
        return v;
    }
}
