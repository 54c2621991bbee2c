package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RegistryNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"record","name":"SandboxProbe","namespace":"io.chargeonce.test",
             "fields":[{"name":"id","type":"string"}]}""";

    private final RegistryNode registry = Sandbox.shared().registry();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheConfluentCompatibleApi() throws Exception {
        String subject = "sandbox-probe-" + UUID.randomUUID() + "-value";

        int id = register(subject);
        int again = register(subject);
        JsonNode byId = get("/schemas/ids/" + id);

        assertThat(registry.url()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
        assertThat(again).isEqualTo(id);
        assertThat(JSON.readTree(byId.get("schema").asText()).get("name").asText()).isEqualTo("SandboxProbe");
        assertThat(get("/subjects")).extracting(JsonNode::toString).asString().contains(subject);
    }

    @Test
    void writesItsOutputToALogFileInTheWorkDir() {
        assertThat(registry.log()).exists().startsWith(Sandbox.shared().dataDir());
    }

    private int register(String subject) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("schema", SCHEMA))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("id").asInt();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
