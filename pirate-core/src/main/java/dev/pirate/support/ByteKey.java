package dev.pirate.support;

import java.util.Arrays;

/**
 * A byte array usable as a hash map key (routing ids, service names).
 * <p>
 * A map keeps immutable keys made by {@link #copyOf(byte[])}; an event loop looks entries up with
 * one reusable key re-aimed by {@link #wrap(byte[])}, so a lookup allocates nothing. A re-aimed key
 * must never be stored.
 */
public final class ByteKey {

    private byte[] bytes;

    private int hash;

    private ByteKey(byte[] bytes) {
        wrap(bytes);
    }

    /**
     * Creates a key that a map may keep.
     * @param bytes the key bytes; the array must not change afterwards
     * @return the key
     */
    public static ByteKey copyOf(byte[] bytes) {
        return new ByteKey(bytes);
    }

    /**
     * Creates a key meant for re-aiming with {@link #wrap(byte[])}.
     * @return an empty lookup key
     */
    public static ByteKey forLookup() {
        return new ByteKey(new byte[0]);
    }

    /**
     * Re-aims this lookup key at other bytes.
     * @param bytes the bytes to look up
     * @return this key
     */
    public ByteKey wrap(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
        return this;
    }

    /**
     * Returns the key bytes.
     * @return the bytes, not copied
     */
    public byte[] bytes() {
        return this.bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey key && this.hash == key.hash && Arrays.equals(this.bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return this.hash;
    }

    @Override
    public String toString() {
        return FrameBuffer.hex(this.bytes);
    }
}
