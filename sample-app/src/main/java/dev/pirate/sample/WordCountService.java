package dev.pirate.sample;

import org.jspecify.annotations.Nullable;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code wordcount} service: counts the words and characters of a text. Requests and replies are
 * JSON, converted by the application's Jackson mapper:
 * <pre>
 * {"text": "the quick brown fox"}  -&gt;  {"words": 4, "characters": 19}
 * </pre>
 */
@MajordomoService(value = "wordcount", concurrency = 2)
public class WordCountService {

    /**
     * Counts words (runs of non-whitespace) and characters (Unicode code points).
     * @param request the text to count
     * @return the counts
     * @throws IllegalArgumentException if the request has no text; the caller receives it as an error
     */
    @MajordomoHandler
    public WordCount count(TextRequest request) {
        String text = request.text();
        if (text == null) {
            throw new IllegalArgumentException("'text' is required");
        }
        String trimmed = text.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        return new WordCount(words, text.codePointCount(0, text.length()));
    }

    /**
     * A word-count request.
     * @param text the text to count
     */
    public record TextRequest(@Nullable String text) {
    }

    /**
     * A word-count reply.
     * @param words the number of words
     * @param characters the number of characters
     */
    public record WordCount(int words, int characters) {
    }
}
