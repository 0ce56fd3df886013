package dev.pirate.spring;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ResolvableType;

/**
 * Converts Java values to MDP body frames and back, the same way for handlers and for
 * {@link PirateClient}:
 * <ul>
 * <li>{@code byte[]} is one frame, as is;</li>
 * <li>{@code String} is one frame of UTF-8;</li>
 * <li>{@code List<byte[]>} is every frame;</li>
 * <li>any other type is one frame of JSON, written and read with a Jackson {@link JsonMapper}.</li>
 * </ul>
 * Thread-safe.
 */
public class PayloadConverter {

    private static final ResolvableType FRAMES_TYPE = ResolvableType.forClassWithGenerics(List.class, byte[].class);

    private final JsonMapper jsonMapper;

    /**
     * Creates a converter.
     * @param jsonMapper the mapper for JSON payloads, usually the application's
     */
    public PayloadConverter(JsonMapper jsonMapper) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
    }

    /**
     * Tells how a declared type is carried in frames.
     * @param type a parameter or return type
     * @return its shape
     */
    public static Shape shapeOf(ResolvableType type) {
        Class<?> raw = type.resolve(Object.class);
        if (raw == byte[].class) {
            return Shape.BYTES;
        }
        if (raw == String.class) {
            return Shape.TEXT;
        }
        if (List.class.isAssignableFrom(raw) && type.asCollection().getGeneric(0).resolve() == byte[].class) {
            return Shape.FRAMES;
        }
        return Shape.JSON;
    }

    /**
     * Converts a value to body frames according to its runtime type; a list is taken as frames only
     * if every element is a {@code byte[]}.
     * @param value the value
     * @return the frames, at least one
     */
    public List<byte[]> write(Object value) {
        Objects.requireNonNull(value, "value");
        return write(value, isFrames(value) ? FRAMES_TYPE : ResolvableType.forClass(value.getClass()));
    }

    /**
     * Converts a value to body frames according to a declared type.
     * @param value the value
     * @param declaredType the declared type of the value, for example a handler's return type
     * @return the frames, at least one
     */
    @SuppressWarnings("unchecked")
    public List<byte[]> write(Object value, ResolvableType declaredType) {
        Objects.requireNonNull(value, "value");
        return switch (shapeOf(declaredType)) {
            case BYTES -> List.of((byte[]) value);
            case TEXT -> List.of(((String) value).getBytes(StandardCharsets.UTF_8));
            case FRAMES -> checkFrames(List.copyOf((List<byte[]>) value));
            case JSON -> List.of(this.jsonMapper.writeValueAsBytes(value));
        };
    }

    /**
     * Converts body frames to a value of the given type.
     * @param <T> the type
     * @param frames the body frames, at least one
     * @param type the class to read
     * @return the value
     * @throws tools.jackson.core.JacksonException if a JSON payload cannot be read as the type
     */
    @SuppressWarnings("unchecked")
    public <T> @Nullable T read(List<byte[]> frames, Class<T> type) {
        return (T) read(frames, ResolvableType.forClass(type));
    }

    /**
     * Converts body frames to a value of the given declared type, for example a handler's parameter type.
     * @param frames the body frames, at least one
     * @param type the type to read
     * @return the value; {@code null} only for a JSON {@code null}
     * @throws tools.jackson.core.JacksonException if a JSON payload cannot be read as the type
     */
    public @Nullable Object read(List<byte[]> frames, ResolvableType type) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("A body has at least one frame");
        }
        return switch (shapeOf(type)) {
            case BYTES -> frames.get(0);
            case TEXT -> new String(frames.get(0), StandardCharsets.UTF_8);
            case FRAMES -> frames;
            case JSON -> {
                JavaType javaType = this.jsonMapper.constructType(type.getType());
                yield this.jsonMapper.readValue(frames.get(0), javaType);
            }
        };
    }

    private static boolean isFrames(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            return false;
        }
        for (Object element : list) {
            if (!(element instanceof byte[])) {
                return false;
            }
        }
        return true;
    }

    private static List<byte[]> checkFrames(List<byte[]> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("A body has at least one frame");
        }
        return frames;
    }

    /**
     * How a type is carried in body frames.
     */
    public enum Shape {

        /** {@code byte[]}: the first frame, as is. */
        BYTES,

        /** {@code String}: the first frame as UTF-8. */
        TEXT,

        /** {@code List<byte[]>}: every frame. */
        FRAMES,

        /** Any other type: the first frame as JSON. */
        JSON
    }
}
