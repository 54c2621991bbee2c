package io.chargeonce.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio Registry under
 * {@code /apis/ccompat/v7}): register a schema under a subject, fetch a schema by id, set a subject's
 * compatibility level.
 *
 * <p>Both directions are cached for the life of the client: an id, once assigned, never changes its
 * schema, so a process asks the registry at most once per (subject, schema) and once per id. Failures
 * are not cached: the next call asks again. Thread-safe; two threads missing the cache at once may
 * both ask, which is harmless because registering an existing schema returns its existing id.
 */
public final class SchemaRegistryClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";

    private final String baseUrl;
    private final RegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client with {@link RegistryClientConfig#defaults()}. */
    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, RegistryClientConfig.defaults());
    }

    /**
     * @param baseUrl the registry's Confluent-compatible base URL, e.g.
     *                {@code http://127.0.0.1:8081/apis/ccompat/v7}
     */
    public SchemaRegistryClient(String baseUrl, RegistryClientConfig config) {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("schema registry url must start with http:// or https://, got: " + baseUrl);
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.config = config;
        // HTTP/1.1 on purpose: the default HTTP/2 client sends an h2c upgrade on plain http, which
        // some registries' servers answer badly, and there is nothing to multiplex here.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it, if already there) and returns its
     * global id, the one written into the Confluent wire format.
     *
     * @throws SchemaRegistryException if the registry refuses (409: incompatible with the subject's
     *                                 previous versions; 422: invalid schema) or cannot be reached
     */
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = json.createObjectNode().put("schema", schema.toString());
        URI url = url("/subjects/" + encode(subject) + "/versions");
        JsonNode answer = send(HttpRequest.newBuilder(url).POST(bodyOf(body)), subject,
                "register schema " + schema.getFullName() + " under subject '" + subject + "'");
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("schema registry at " + url + " answered a registration of subject '"
                    + subject + "' without a numeric \"id\"; is the url the Confluent-compatible API "
                    + "(for Apicurio: .../apis/ccompat/v7)?", url, subject, 200, null);
        }
        int assigned = id.asInt();
        ids.put(schema, assigned);
        schemasById.putIfAbsent(assigned, schema);
        log.info("schema {} is id {} under subject {}", schema.getFullName(), assigned, subject);
        return assigned;
    }

    /**
     * The schema the registry stores under {@code id}: the writer schema of every record framed with
     * that id.
     *
     * @throws SchemaRegistryException with status 404 if no schema has that id
     */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        URI url = url("/schemas/ids/" + id);
        JsonNode answer = send(HttpRequest.newBuilder(url).GET(), null, "fetch schema id " + id);
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("schema registry at " + url + " answered without a \"schema\" text",
                    url, null, 200, null);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("schema id " + id + " from " + url + " is not an Avro schema ("
                    + e.getMessage() + "); is it a JSON Schema or Protobuf subject?", url, null, 200, e);
        }
        Schema winner = schemasById.putIfAbsent(id, schema);
        log.debug("fetched schema id {} ({})", id, schema.getFullName());
        return winner != null ? winner : schema;
    }

    /**
     * Sets the compatibility level the registry enforces for new versions of {@code subject}. Works
     * before the subject's first version on Confluent and on Apicurio 3.3 (Apicurio 1.x answered 404).
     * Set it explicitly: Apicurio's global default is NONE, Confluent's is BACKWARD.
     */
    public void setCompatibility(String subject, Compatibility level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        URI url = url("/config/" + encode(subject));
        send(HttpRequest.newBuilder(url).PUT(bodyOf(body)), subject,
                "set compatibility " + level + " on subject '" + subject + "'");
        log.info("subject {} compatibility set to {}", subject, level);
    }

    @Override
    public void close() {
        http.close();
    }

    private JsonNode send(HttpRequest.Builder request, String subject, String what) {
        HttpRequest built = request
                .timeout(config.requestTimeout())
                .header("Content-Type", CONTENT_TYPE)
                .header("Accept", ACCEPT)
                .build();
        URI url = built.uri();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("could not " + what + ": schema registry unreachable at "
                    + built.method() + " " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); is the registry running and is the url right?",
                    url, subject, SchemaRegistryException.NO_RESPONSE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while trying to " + what + " at " + url,
                    url, subject, SchemaRegistryException.NO_RESPONSE, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new SchemaRegistryException("schema registry refused to " + what + ": HTTP " + status
                    + " from " + built.method() + " " + url + hint(status) + " - registry said: "
                    + registryMessage(response.body()), url, subject, status, null);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry answered " + built.method() + " " + url
                    + " with something that is not JSON; is the url the Confluent-compatible API?",
                    url, subject, status, e);
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 409 -> " (the schema is incompatible with the subject's earlier versions under its compatibility level)";
            case 422 -> " (the registry considers the schema or the level invalid)";
            case 404 -> " (no such subject, version or schema id in this registry)";
            case 401, 403 -> " (the registry wants credentials this client does not send)";
            default -> "";
        };
    }

    /** The registry's own {"error_code", "message"} text, or the raw body when it is not that shape. */
    private String registryMessage(String body) {
        try {
            JsonNode message = json.readTree(body).get("message");
            if (message != null && message.isTextual()) {
                return message.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw body
        }
        return body == null || body.isBlank() ? "(empty body)" : body.strip();
    }

    private HttpRequest.BodyPublisher bodyOf(ObjectNode body) {
        return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    }

    private URI url(String path) {
        return URI.create(baseUrl + path);
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
