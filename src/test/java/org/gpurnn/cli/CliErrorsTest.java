package org.gpurnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends with one clear message, a non-zero status and no stack trace. */
class CliErrorsTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    static void assertUserError(Run r, String... fragments) {
        assertEquals(Main.EXIT_USAGE, r.status(), () -> "status; stderr was: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "stderr should mention '" + f + "': " + r.err());
        }
        assertFalse(r.err().contains("\tat "), () -> "no stack trace expected: " + r.err());
    }

    private Path text(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void missingDataFile() {
        Path missing = dir.resolve("nope.txt");
        assertUserError(run("train", "--device", "cpu", "--data", missing.toString()), "nope.txt");
    }

    @Test
    void malformedUtf8NamesTheByteOffset() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'a', 'b', 'c', (byte) 0xFF, 'd'});
        assertUserError(run("train", "--device", "cpu", "--data", f.toString()), "byte offset 3");
    }

    @Test
    void unknownCell() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--cell", "transformer"),
                "--cell", "rnn, gru, mgu, lstm");
    }

    @Test
    void outOfRangeNumbersAreRejectedNotClamped() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--hidden", "0"), "--hidden");
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--dropout", "1"), "--dropout");
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--lr", "-1"), "--lr");
        assertUserError(run("sample", "--device", "cpu", "--temperature", "-0.5"), "--temperature");
    }

    @Test
    void textTooShortForTheBatchShape() throws IOException {
        Path f = text("short.txt", "abcdefghij\n".repeat(20));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--batch", "32", "--seq", "64"),
                "--batch");
    }

    @Test
    void sampleFromSomethingThatIsNotACheckpoint() throws IOException {
        Path f = text("notes.txt", "just some text");
        assertUserError(run("sample", "--device", "cpu", "--checkpoint", f.toString()), "not a gpurnn checkpoint");
        assertUserError(run("sample", "--device", "cpu", "--checkpoint", dir.resolve("none.safetensors").toString()),
                "none.safetensors");
    }

    @Test
    void unusableDeviceIndexIsAnErrorNotAFallback() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        assertUserError(run("train", "--device", "99", "--data", f.toString()), "99");
        assertUserError(run("train", "--device", "gpu0", "--data", f.toString()), "gpu0");
    }

    @Test
    void unknownOptionIsOneLineNotTheWholeUsage() {
        Run r = run("train", "--hiddne", "5");
        assertUserError(r, "--hiddne", "gpurnn train --help");
        assertTrue(r.err().lines().count() <= 3, r.err());
        assertUserError(run("train", "--lr", "nan"), "--lr");
        assertUserError(run("train", "--optimizer", "rmsprop"), "adam, sgd or adagrad");
    }

    @Test
    void noCommandIsAnError() {
        assertEquals(Main.EXIT_USAGE, run().status());
    }

    @Test
    void badOutputFolderIsFoundBeforeTraining() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        Path file = text("afile", "x");
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--out", file.toString()),
                "is a file, not a folder");
    }

    @Test
    void anEarlierRunsCheckpointsAreNotReplacedUnlessAskedTo() throws IOException {
        Path f = text("t.txt", "the cat sat on the mat.\n".repeat(100));
        Path out = dir.resolve("ck");
        String[] args = {"train", "--device", "cpu", "--data", f.toString(), "--cell", "rnn", "--hidden", "8",
            "--layers", "1", "--batch", "2", "--seq", "8", "--steps", "3", "--out", out.toString()};
        assertEquals(0, run(args).status());
        byte[] before = Files.readAllBytes(out.resolve("best.safetensors"));
        assertUserError(run(args), "--overwrite");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("best.safetensors"))));
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        assertEquals(0, run(again).status());
    }

    @Test
    void aFailedRunLeavesNoFolderAndARunLeavesNoLock() throws IOException {
        Path f = text("t.txt", "the cat sat on the mat.\n".repeat(100));
        Path out = dir.resolve("fresh");
        assertUserError(run("train", "--device", "99", "--data", f.toString(), "--out", out.toString()), "99");
        assertFalse(Files.exists(out), "the folder made for the failed run is gone");
        assertEquals(0, run("train", "--device", "cpu", "--data", f.toString(), "--cell", "rnn", "--hidden", "8",
                "--layers", "1", "--batch", "2", "--seq", "8", "--steps", "2", "--out", out.toString()).status());
        assertTrue(Files.exists(out.resolve("best.safetensors")));
        assertFalse(Files.exists(out.resolve(OutputFolder.LOCK)));
    }

    @Test
    void emptyOutIsRejected() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--out", ""), "--out");
    }

    @Test
    void limitsNameTheOption() throws IOException {
        Path f = text("t.txt", "hello world\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--head-layers", "1000"),
                "--head-layers", "[0, 64]");
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--hidden", "100000"), "--hidden");
        assertUserError(run("bench", "--device", "cpu", "--cell", "transformer"), "--cell");
    }

    @Test
    void forgetBiasStartsTheLstmForgetGate() throws IOException {
        Path f = text("t.txt", "the cat sat on the mat.\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--cell", "gru", "--forget-bias", "1"),
                "--forget-bias", "lstm");
        Path out = dir.resolve("fb");
        // One SGD step with a tiny rate: the biases are still about where they started.
        assertEquals(0, run("train", "--device", "cpu", "--data", f.toString(), "--cell", "lstm", "--hidden", "4",
                "--layers", "1", "--batch", "2", "--seq", "4", "--steps", "1", "--optimizer", "sgd", "--lr", "1e-6",
                "--forget-bias", "1", "--out", out.toString()).status());
        org.gpurnn.model.Snapshot s = org.gpurnn.model.Snapshot.read(out.resolve("latest.safetensors"));
        org.gpurnn.model.ParamLayout.Entry b = new org.gpurnn.model.ParamLayout(s.config()).get("layers.0.b");
        for (int j = 0; j < 4; j++) {
            assertEquals(0f, s.params()[(int) b.offset() + j], 1e-4f, "input gate bias");
            assertEquals(1f, s.params()[(int) b.offset() + 4 + j], 1e-4f, "forget gate bias");
        }
        // A resumed run records the start it came from.
        assertEquals(0, run("train", "--device", "cpu", "--resume", out.resolve("latest.safetensors").toString(),
                "--steps", "2", "--out", out.toString()).status());
        assertEquals(1f, org.gpurnn.model.Snapshot.read(out.resolve("latest.safetensors")).training()
                .get("forget_bias").getAsFloat());
    }

    @Test
    void unknownCommandsAndStrayWordsAreNamed() {
        assertUserError(run("frob"), "unknown command 'frob'", "train");
        assertUserError(run("devices", "extra"), "'extra'");
    }

    @Test
    void sampleWithoutABestUsesLatestOrSaysWhereItIs() throws IOException {
        Path f = text("poem.txt", "the cat sat on the mat.\n".repeat(100));
        Path out = dir.resolve("ck");
        assertEquals(0, run("train", "--device", "cpu", "--data", f.toString(), "--cell", "rnn", "--hidden", "8",
                "--layers", "1", "--batch", "2", "--seq", "8", "--steps", "2", "--out", out.toString()).status());
        Files.delete(out.resolve("best.safetensors"));
        assertUserError(run("sample", "--device", "cpu", "--checkpoint", out.resolve("best.safetensors").toString()),
                "latest.safetensors");
    }

    @Test
    void resumeContinuesInItsFolderAndRefusesWhatContradictsIt() throws IOException {
        Path f = text("poem.txt", "the cat sat on the mat.\n".repeat(100));
        Path out = dir.resolve("ck");
        String[] base = {"train", "--device", "cpu", "--data", f.toString(), "--cell", "gru", "--hidden", "8",
            "--layers", "1", "--batch", "2", "--seq", "8"};
        assertEquals(0, run(cat(base, "--steps", "4", "--out", out.toString())).status());
        String latest = out.resolve("latest.safetensors").toString();

        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--resume", latest, "--hidden", "16",
                "--out", out.toString()), "--hidden 16 differs from the checkpoint's 8");
        assertUserError(run("train", "--device", "cpu", "--data", f.toString(), "--resume", latest, "--steps", "3",
                "--out", out.toString()), "at step 4");
        Path other = text("other.txt", "entirely different words!\n".repeat(100));
        assertUserError(run("train", "--device", "cpu", "--data", other.toString(), "--resume", latest,
                "--steps", "8", "--out", out.toString()), "vocabulary");

        // Into its own folder: no --overwrite needed, and the step count goes on.
        Run r = run("train", "--device", "cpu", "--data", f.toString(), "--resume", latest, "--steps", "7",
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(7, org.gpurnn.model.Snapshot.read(out.resolve("latest.safetensors")).training()
                .get("step").getAsLong());
        // Into a folder that holds another run's checkpoints, even with the file to resume copied there:
        // the usual rule applies.
        Path ck2 = dir.resolve("ck2");
        assertEquals(0, run(cat(base, "--steps", "2", "--seed", "9", "--out", ck2.toString())).status());
        Path copy = Files.copy(out.resolve("latest.safetensors"), ck2.resolve("keep.safetensors"));
        assertUserError(run("train", "--device", "cpu", "--resume", copy.toString(), "--steps", "9",
                "--out", ck2.toString()), "--overwrite");
        // Into a new folder: the run gets a best there too.
        Path ck3 = dir.resolve("ck3");
        assertEquals(0, run("train", "--device", "cpu", "--resume", latest, "--steps", "9", "--out", ck3.toString())
                .status());
        assertTrue(Files.exists(ck3.resolve("best.safetensors")));
        // The text it was trained on is gone: say so rather than train on another.
        Files.move(f, dir.resolve("moved.txt"));
        assertUserError(run("train", "--device", "cpu", "--resume", latest, "--steps", "12",
                "--out", out.toString()), "poem.txt", "not there any more", "--data");
    }

    private static String[] cat(String[] a, String... more) {
        String[] r = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
    }

    @Test
    void trainThenSampleOnASmallText() throws IOException {
        Path f = text("poem.txt", "the cat sat on the mat.\n".repeat(200));
        Path out = dir.resolve("ck");
        Run t = run("train", "--device", "cpu", "--data", f.toString(), "--batch", "4", "--seq", "16",
                "--hidden", "16", "--steps", "30", "--log-every", "10", "--out", out.toString());
        assertEquals(0, t.status(), t.err());
        assertTrue(Files.exists(out.resolve("latest.safetensors")));
        assertTrue(Files.exists(out.resolve("best.safetensors")));
        Run s = run("sample", "--device", "cpu", "--checkpoint", out.resolve("best.safetensors").toString(),
                "--length", "50", "--prime", "the ");
        assertEquals(0, s.status(), s.err());
        Run bad = run("sample", "--device", "cpu", "--checkpoint", out.resolve("best.safetensors").toString(),
                "--prime", "Zebra");
        assertUserError(bad, "Z");

        // Sampling writes to the process's stdout; nothing at all for --length 0 without a prime.
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            assertEquals(0, run("sample", "--device", "cpu", "--checkpoint", out.resolve("best.safetensors").toString(),
                    "--length", "0").status());
            assertEquals("", captured.toString(StandardCharsets.UTF_8));
            assertEquals(0, run("sample", "--device", "cpu", "--checkpoint", out.resolve("best.safetensors").toString(),
                    "--length", "5", "--prime", "the").status());
            String text = captured.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("the") && text.endsWith("\n") && text.codePointCount(0, text.length()) <= 9, text);
        } finally {
            System.setOut(stdout);
        }
    }
}
