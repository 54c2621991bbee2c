package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opt-in secured broker: SASL/PLAIN logins and ACLs enforced. The super user may do anything,
 * a user is refused what no ACL allows and allowed what one does, a wrong password or no login at
 * all gets nowhere; the node stops, frees its port and comes back secured.
 */
class SecuredKafkaTest {

    private static final KafkaSecurity SECURITY = KafkaSecurity.saslPlain("admin",
            Map.of("admin", "admin-secret", "ops", "ops-secret"));

    private static Sandbox sandbox;
    private static KafkaNode kafka;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.KAFKA).withKafkaSecurity(SECURITY));
        kafka = sandbox.kafka();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theSuperUserMayDoAnythingAndAUserOnlyWhatAnAclAllows() throws Exception {
        String topic = "secured-" + UUID.randomUUID();
        try (Admin admin = admin(kafka.clientProperties("admin")); Admin ops = admin(kafka.clientProperties("ops"))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();

            assertThatThrownBy(() -> ops.describeTopics(List.of(topic)).allTopicNames().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);

            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:ops", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)))).all().get();
            assertThat(ops.describeTopics(List.of(topic)).allTopicNames().get()).containsOnlyKeys(topic);
        }
    }

    @Test
    void aWrongPasswordOrNoLoginGetsNowhere() {
        Properties wrong = kafka.clientProperties("ops");
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"ops\" password=\"guessed\";");
        try (Admin guessing = admin(wrong)) {
            assertThatThrownBy(() -> guessing.listTopics().names().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
        // a PLAINTEXT client never completes a request on a SASL listener: it times out
        try (Admin anonymous = admin(new Properties())) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void theNodeStopsFreeingItsPortAndComesBackSecured() throws Exception {
        int port = kafka.port();

        kafka.stop();
        assertThat(Ports.isFree(port)).isTrue();
        kafka.start();

        try (Admin admin = admin(kafka.clientProperties("admin"))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        assertThat(kafka.clientProperties("ops")).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(SECURITY.toString()).doesNotContain("secret");
    }

    @Test
    void theDefaultIsNoSecurityAndNoClientSettings() {
        assertThat(SandboxConfig.freePorts().kafkaSecurity()).isEqualTo(KafkaSecurity.NONE);
        assertThat(KafkaSecurity.NONE.clientProperties("anyone")).isEmpty();
        assertThatThrownBy(() -> KafkaSecurity.saslPlain("root", Map.of("ops", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
    }

    private static Admin admin(Properties security) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        return Admin.create(props);
    }
}
