package org.gpurnn.cli;

import java.io.PrintWriter;

import org.gpurnn.data.DataException;
import org.gpurnn.io.CheckpointException;
import org.gpurnn.opencl.ClCallException;
import org.gpurnn.opencl.DeviceSelectionException;
import org.gpurnn.opencl.KernelBuildException;
import org.gpurnn.opencl.OpenClUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point: {@code gpurnn train | sample | devices | check | bench}. Logs go to stderr, generated
 * text to stdout. A user error (bad option, bad file, unusable device) prints one message and exits
 * with status 2, without a stack trace; set GPURNN_DEBUG=1 to see the trace of any error.
 */
@Command(name = "gpurnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Character-level recurrent language models, trained with OpenCL kernels.",
        subcommands = {TrainCommand.class, SampleCommand.class, DevicesCommand.class, CheckCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for a user error: bad input, options, files or device. */
    public static final int EXIT_USAGE = 2;
    /** Exit status when a check fails or training diverges. */
    public static final int EXIT_FAILED = 1;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No command given: show what there is, and fail, since nothing was done.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns the exit status. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with picocli's own output (help, usage, errors) sent to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::handleParameter);
        // An empty path ("") would otherwise mean the current folder: refuse it for every option.
        cl.registerConverter(java.nio.file.Path.class, s -> {
            if (s.isBlank()) {
                throw new CommandLine.TypeConversionException("a path is needed, not an empty string");
            }
            return java.nio.file.Path.of(s);
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory (the Java heap holds at most "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); give Java more, e.g. "
                    + "GPURNN_JAVA_OPTS=-Xmx8g bin/gpurnn ..., or use a smaller text, --batch or --hidden");
            err.flush();
            return EXIT_FAILED;
        }
    }

    /** A bad command line: the reason on one line and where to find the options, not the whole usage. */
    private static int handleParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + parameterMessage(e));
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return EXIT_USAGE;
    }

    /** picocli's message, except for words it could not place, which it reports by their index. */
    private static String parameterMessage(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            String word = u.getUnmatched().get(0);
            CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
            if (spec.parent() == null) {
                return "unknown command '" + word + "'; the commands are "
                        + String.join(", ", spec.subcommands().keySet());
            }
            return "'" + spec.qualifiedName() + "' takes no argument '" + word + "', only options";
        }
        return e.getMessage();
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean user = e instanceof DataException || e instanceof CheckpointException
                || e instanceof UserException || e instanceof IllegalArgumentException
                || isDeviceChoiceError(e);
        // A failed OpenCL call is the driver's or ours, not the user's input: status 1.
        boolean device = e instanceof ClCallException;
        err.println("error: " + message(e));
        String debug = System.getenv("GPURNN_DEBUG");
        if (debug != null && !debug.isEmpty() && !debug.equals("0")) {
            e.printStackTrace(err);
        } else if (device) {
            err.println("HINT: 'gpurnn check --device N' tests the device against the reference; "
                    + "GPURNN_DEBUG=1 shows where the call was made.");
        } else if (!user) {
            err.println("This looks like a bug in gpurnn; run again with GPURNN_DEBUG=1 for the stack trace.");
        }
        err.flush();
        return user ? EXIT_USAGE : EXIT_FAILED;
    }

    /** No OpenCL, no such device, or a device whose compiler rejects the kernels: a choice to change. */
    private static boolean isDeviceChoiceError(Throwable e) {
        return e instanceof OpenClUnavailableException || e instanceof DeviceSelectionException
                || e instanceof KernelBuildException;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** A problem with what the user asked for; its message says what to do. */
    public static final class UserException extends RuntimeException {
        public UserException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gpurnn " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
