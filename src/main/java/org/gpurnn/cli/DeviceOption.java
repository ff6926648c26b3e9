package org.gpurnn.cli;

import picocli.CommandLine.Option;

/** The {@code --device} option shared by the commands that compute. */
public final class DeviceOption {

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "Where to compute: an index from 'gpurnn devices', 'cpu' for the plain-Java backend, "
                    + "or 'auto' (default): the first GPU, else what suits the command (see its description).")
    String device;

    public String value() {
        return device;
    }
}
