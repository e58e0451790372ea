package io.clickstream.collector.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a request body into its events, each still a JSON value: one JSON object, a JSON
 * array of them, or NDJSON (one object per line). Accepted as {@code application/json},
 * {@code application/x-ndjson} and {@code text/plain} (what {@code navigator.sendBeacon} sends
 * for a string, without a CORS preflight); always UTF-8.
 *
 * <p>A body that cannot be split (wrong content type, not UTF-8, malformed array, too many
 * events) is refused as a whole. A malformed NDJSON line is only that event's problem: it
 * comes back as a {@link Part} with a reason, and the other lines are kept.
 */
public final class RequestBody {
    /** One event of the body: its JSON value, or why it could not be read. */
    public record Part(JsonNode value, String malformed) {}

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxNumberLength(64)
                    .build())
            .build());

    private RequestBody() {}

    /**
     * @param contentType the request's Content-Type header, or null
     * @throws RequestRejectedException 415 for a content type or charset we do not read, 400 for
     *     a body that is not UTF-8 or not JSON, 413 for more than {@code maxEvents} events
     */
    public static List<Part> split(String contentType, byte[] body, int maxEvents) throws RequestRejectedException {
        checkContentType(contentType);
        String text = utf8(body);
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        if (start == text.length()) {
            throw new RequestRejectedException(400, "empty body: expected a JSON object, an array of them, or NDJSON");
        }
        if (text.charAt(start) == '[') {
            return array(text, maxEvents);
        }
        return lines(text, maxEvents);
    }

    private static void checkContentType(String contentType) throws RequestRejectedException {
        if (contentType == null) {
            throw new RequestRejectedException(
                    415, "missing Content-Type: send application/json, application/x-ndjson or text/plain");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!(type.equals("application/json")
                || type.equals("application/x-ndjson")
                || type.equals("application/ndjson")
                || type.equals("text/plain"))) {
            throw new RequestRejectedException(
                    415,
                    "unsupported Content-Type '" + type
                            + "': send application/json, application/x-ndjson or text/plain");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")
                    && parameter.length == 2
                    && !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw new RequestRejectedException(
                        415, "unsupported charset '" + parameter[1].trim() + "': send UTF-8");
            }
        }
    }

    private static String utf8(byte[] body) throws RequestRejectedException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RequestRejectedException(400, "body is not valid UTF-8");
        }
    }

    private static List<Part> array(String text, int maxEvents) throws RequestRejectedException {
        List<Part> parts = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            parser.nextToken(); // [
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new RequestRejectedException(400, "malformed JSON: the array is not closed");
                }
                if (parts.size() == maxEvents) {
                    throw tooMany(maxEvents);
                }
                parts.add(new Part(JSON.readTree(parser), null));
            }
            if (parser.nextToken() != null) {
                throw new RequestRejectedException(400, "malformed JSON: unexpected data after the array");
            }
        } catch (JsonProcessingException e) {
            throw new RequestRejectedException(400, malformed(e));
        } catch (IOException e) {
            throw new RequestRejectedException(400, "unreadable body: " + e.getMessage());
        }
        return parts;
    }

    /** One object (possibly spread over lines), or NDJSON: each non-blank line is an event, read on its own. */
    private static List<Part> lines(String text, int maxEvents) throws RequestRejectedException {
        Part whole = line(text);
        if (whole.malformed() == null) {
            return List.of(whole);
        }
        List<Part> parts = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (parts.size() == maxEvents) {
                throw tooMany(maxEvents);
            }
            parts.add(line(line));
        }
        return parts;
    }

    private static Part line(String line) {
        try (JsonParser parser = JSON.createParser(line)) {
            JsonNode value = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                return new Part(null, "malformed JSON: unexpected data after the value (one event per line)");
            }
            return new Part(value, null);
        } catch (JsonProcessingException e) {
            return new Part(null, malformed(e));
        } catch (IOException e) {
            return new Part(null, "unreadable: " + e.getMessage());
        }
    }

    /** Jackson's message without its location details (they describe our parser, not the input). */
    private static String malformed(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int cut = message.indexOf(" (start marker");
        message = cut < 0 ? message : message.substring(0, cut);
        return "malformed JSON: " + message.lines().findFirst().orElse(message);
    }

    private static RequestRejectedException tooMany(int maxEvents) {
        return new RequestRejectedException(
                413, "more than " + maxEvents + " events in one request: send them in several requests");
    }
}
