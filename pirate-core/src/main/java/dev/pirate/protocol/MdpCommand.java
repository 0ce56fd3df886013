package dev.pirate.protocol;

/**
 * Worker commands of MDP/0.1, with the command byte the RFC gives each.
 */
public enum MdpCommand {

    /** Worker to broker: the worker offers a service. */
    READY((byte) 0x01),

    /** Broker to worker: a client request. */
    REQUEST((byte) 0x02),

    /** Worker to broker: the reply to a request. */
    REPLY((byte) 0x03),

    /** Either way: the peer is alive. */
    HEARTBEAT((byte) 0x04),

    /** Either way: the conversation is over. */
    DISCONNECT((byte) 0x05);

    private static final MdpCommand[] BY_BYTE = new MdpCommand[6];

    static {
        for (MdpCommand command : values()) {
            BY_BYTE[command.code] = command;
        }
    }

    private final byte code;

    private final byte[] frame;

    MdpCommand(byte code) {
        this.code = code;
        this.frame = new byte[] { code };
    }

    /**
     * Returns the command byte.
     * @return the byte the RFC assigns to this command
     */
    public byte code() {
        return this.code;
    }

    /**
     * Returns the one-byte frame of this command. The array is shared: do not modify it.
     * @return the command frame
     */
    public byte[] frame() {
        return this.frame;
    }

    /**
     * Decodes a command frame.
     * @param frame the received command frame
     * @return the command, or {@code null} if the frame is not exactly one known command byte
     */
    public static MdpCommand fromFrame(byte[] frame) {
        if (frame == null || frame.length != 1 || frame[0] < 1 || frame[0] >= BY_BYTE.length) {
            return null;
        }
        return BY_BYTE[frame[0]];
    }
}
