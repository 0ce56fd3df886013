package dev.pirate.spring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ResolvableType;

import dev.pirate.spring.PayloadConverter.Shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PayloadConverter}.
 */
@Timeout(30)
class PayloadConverterTests {

    private final PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());

    @Test
    void shapeFollowsTheDeclaredType() {
        assertThat(PayloadConverter.shapeOf(ResolvableType.forClass(byte[].class))).isEqualTo(Shape.BYTES);
        assertThat(PayloadConverter.shapeOf(ResolvableType.forClass(String.class))).isEqualTo(Shape.TEXT);
        assertThat(PayloadConverter.shapeOf(ResolvableType.forClassWithGenerics(List.class, byte[].class)))
            .isEqualTo(Shape.FRAMES);
        assertThat(PayloadConverter.shapeOf(ResolvableType.forClassWithGenerics(List.class, String.class)))
            .isEqualTo(Shape.JSON);
        assertThat(PayloadConverter.shapeOf(ResolvableType.forClass(Point.class))).isEqualTo(Shape.JSON);
    }

    @Test
    void bytesAndTextAreOneFrameAsIs() {
        assertThat(this.converter.write(new byte[] { 0, 1 })).containsExactly(new byte[] { 0, 1 });
        assertThat(this.converter.write("héllo")).containsExactly("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(this.converter.read(List.of(utf8("héllo"), utf8("ignored")), String.class)).isEqualTo("héllo");
    }

    @Test
    void listOfByteArraysIsEveryFrame() {
        List<byte[]> frames = new ArrayList<>(List.of(utf8("a"), utf8("b")));
        assertThat(this.converter.write(frames)).containsExactly(utf8("a"), utf8("b"));
        assertThat(this.converter.read(frames, ResolvableType.forClassWithGenerics(List.class, byte[].class)))
            .isEqualTo(frames);
    }

    @Test
    void otherValuesAreOneFrameOfJson() {
        assertThat(this.converter.write(new Point(1, 2))).containsExactly(utf8("{\"x\":1,\"y\":2}"));
        assertThat(this.converter.write(List.of("a"))).containsExactly(utf8("[\"a\"]"));
        assertThat(this.converter.read(List.of(utf8("{\"x\":3,\"y\":4}")), Point.class)).isEqualTo(new Point(3, 4));
        assertThat(this.converter.read(List.of(utf8("{\"k\":[1,2]}")),
                ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)))
            .isEqualTo(Map.of("k", List.of(1, 2)));
    }

    @Test
    void unreadableJsonIsAJacksonException() {
        assertThatExceptionOfType(JacksonException.class)
            .isThrownBy(() -> this.converter.read(List.of(utf8("{")), Point.class));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record Point(int x, int y) {
    }
}
