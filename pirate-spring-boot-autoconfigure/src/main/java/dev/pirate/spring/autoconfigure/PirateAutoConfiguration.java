package dev.pirate.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.Backoff;
import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;
import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.security.ClientSecurity;
import dev.pirate.spring.PayloadConverter;
import dev.pirate.spring.MajordomoHandlerInterceptor;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.PirateClientInterceptor;
import dev.pirate.spring.broker.InProcessContext;
import dev.pirate.spring.broker.MajordomoBrokerLifecycle;
import dev.pirate.spring.worker.MajordomoServiceDiscoverer;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.spring.worker.MajordomoWorkerFactory;
import dev.pirate.worker.ContextualRequestHandler;
import dev.pirate.worker.MajordomoWorker;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for Pirate.
 * <p>
 * Registers the following beans, each only if the application defines none of the same type:
 * <ul>
 * <li>a {@link MajordomoBroker} and its {@link MajordomoBrokerLifecycle}, when
 * {@code pirate.broker.enabled=true};</li>
 * <li>a {@link MajordomoWorkerContainer} that serves every
 * {@link dev.pirate.spring.MajordomoService @MajordomoService} bean;</li>
 * <li>a {@link PirateClient}, whose asynchronous replies complete on Boot's
 * {@code applicationTaskExecutor} when there is one (virtual threads with
 * {@code spring.threads.virtual.enabled=true});</li>
 * <li>the {@link PayloadConverter} and {@link PirateConnectionDetails} they share.</li>
 * </ul>
 * With {@code pirate.security.certificate} (or {@code secret-key}) set, the broker is a CURVE
 * server and the workers and the client connect with CURVE; every {@code pirate.security.*}
 * value is checked at start-up.
 * Every {@link PirateListener} bean receives the events of the broker, the workers and the client.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@EnableConfigurationProperties(PirateProperties.class)
public final class PirateAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PayloadConverter piratePayloadConverter(ObjectProvider<JsonMapper> jsonMapper) {
        return new PayloadConverter(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    @ConditionalOnMissingBean
    PirateConnectionDetails pirateConnectionDetails(PirateProperties properties,
            ObjectProvider<MajordomoBroker> broker, ObjectProvider<InProcessContext> inProcess) {
        if (properties.getWorker().getEndpoint() != null) {
            PirateSettings.connectEndpoint("pirate.worker.endpoint", properties.getWorker().getEndpoint());
        }
        if (properties.getClient().getEndpoint() != null) {
            PirateSettings.connectEndpoint("pirate.client.endpoint", properties.getClient().getEndpoint());
        }
        PirateSettings.connectEndpoints("pirate.worker.endpoints", properties.getWorker().getEndpoints(),
                "pirate.worker.endpoint", properties.getWorker().getEndpoint());
        PirateSettings.connectEndpoints("pirate.client.endpoints", properties.getClient().getEndpoints(),
                "pirate.client.endpoint", properties.getClient().getEndpoint());
        return new PropertiesPirateConnectionDetails(properties, broker, inProcess);
    }

    static PirateListener listener(ObjectProvider<PirateListener> listeners) {
        return CompositeListener.of(listeners.orderedStream().toList());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("pirate.broker.enabled")
    static class BrokerConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBooleanProperty(name = "pirate.broker.in-process", matchIfMissing = true)
        InProcessContext pirateInProcessContext() {
            return new InProcessContext(1);
        }

        @Bean
        @ConditionalOnMissingBean
        MajordomoBroker pirateBroker(PirateProperties properties, ObjectProvider<PirateListener> listeners,
                ObjectProvider<MajordomoBrokerCustomizer> customizers, ObjectProvider<InProcessContext> inProcess) {
            PirateProperties.Broker broker = properties.getBroker();
            MajordomoBroker.Builder builder = MajordomoBroker.builder()
                .bind(PirateSettings.bindEndpoint("pirate.broker.bind", broker.getBind()))
                .heartbeatInterval(
                        PirateSettings.positive("pirate.broker.heartbeat-interval", broker.getHeartbeatInterval()))
                .liveness(PirateSettings.atLeast("pirate.broker.liveness", broker.getLiveness(), 1))
                .maxMessageSize(
                        PirateSettings.messageSize("pirate.broker.max-message-size", broker.getMaxMessageSize()))
                .requestExpiry(PirateSettings.positive("pirate.broker.request-expiry", broker.getRequestExpiry()))
                .maxQueuedRequests(
                        PirateSettings.atLeast("pirate.broker.max-queued-requests", broker.getMaxQueuedRequests(), 1))
                .maxClientRequests(
                        PirateSettings.atLeast("pirate.broker.max-client-requests", broker.getMaxClientRequests(), 1))
                .maxServices(PirateSettings.atLeast("pirate.broker.max-services", broker.getMaxServices(), 1))
                .maxRedeliveries(
                        PirateSettings.atLeast("pirate.broker.max-redeliveries", broker.getMaxRedeliveries(), 0))
                .maxWorkerCredit(PirateSettings.between("pirate.broker.max-worker-credit", broker.getMaxWorkerCredit(),
                        1, PirateExtension.MAX_CREDIT))
                .unknownServiceGrace(
                        PirateSettings.positive("pirate.broker.unknown-service-grace", broker.getUnknownServiceGrace()))
                .replyRetention(PirateSettings.positive("pirate.broker.reply-retention", broker.getReplyRetention()))
                .workerReturnTime(
                        PirateSettings.positive("pirate.broker.worker-return-time", broker.getWorkerReturnTime()))
                .security(PirateSecurity.from(properties).serverSecurity())
                .listener(listener(listeners));
            if (broker.getMaxQueuedBytes() != null) {
                builder.maxQueuedBytes(PirateSettings.bytesAtLeast("pirate.broker.max-queued-bytes",
                        broker.getMaxQueuedBytes(), DataSize.ofMegabytes(1)));
            }
            if (broker.getMaxInboundBytes() != null) {
                builder.maxInboundBytes(PirateSettings.bytesAtLeast("pirate.broker.max-inbound-bytes",
                        broker.getMaxInboundBytes(), DataSize.ofMegabytes(1)));
            }
            InProcessContext shared = inProcess.getIfAvailable();
            if (shared != null) {
                builder.context(shared.context()).bind(InProcessContext.ENDPOINT);
            }
            customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
            return builder.build();
        }

        @Bean
        @ConditionalOnMissingBean
        MajordomoBrokerLifecycle pirateBrokerLifecycle(MajordomoBroker broker) {
            return new MajordomoBrokerLifecycle(broker);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WorkerConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MajordomoWorkerContainer pirateWorkerContainer(ListableBeanFactory beanFactory, PirateProperties properties,
                PayloadConverter converter, PirateConnectionDetails connectionDetails,
                ObjectProvider<PirateListener> listeners, ObjectProvider<MajordomoWorkerCustomizer> customizers,
                ObjectProvider<MajordomoHandlerInterceptor> interceptors, Environment environment,
                ObjectProvider<InProcessContext> inProcess) {
            PirateProperties.Worker worker = properties.getWorker();
            Duration heartbeat = PirateSettings.positive("pirate.worker.heartbeat-interval",
                    worker.getHeartbeatInterval());
            int liveness = PirateSettings.atLeast("pirate.worker.liveness", worker.getLiveness(), 1);
            Duration reconnect = PirateSettings.positive("pirate.worker.reconnect-delay", worker.getReconnectDelay());
            Duration maxReconnect = PirateSettings.positive("pirate.worker.max-reconnect-delay",
                    worker.getMaxReconnectDelay());
            PirateSettings.notBelow("pirate.worker.max-reconnect-delay", maxReconnect, "pirate.worker.reconnect-delay",
                    reconnect);
            Duration gracePeriod = PirateSettings.notNegative("pirate.worker.shutdown-grace-period",
                    worker.getShutdownGracePeriod());
            // spring.threads.virtual.enabled on Java 21+: each connection's loop and handler run on a virtual
            // thread, which still owns that connection's socket alone.
            ClientSecurity security = PirateSecurity.from(properties).brokerClientSecurity();
            boolean exposeExceptionDetails = worker.isExposeExceptionDetails();
            ThreadFactory virtualThreads = Threading.VIRTUAL.isActive(environment)
                    ? new VirtualThreadTaskExecutor("pirate-worker-").getVirtualThreadFactory() : null;
            List<MajordomoHandlerInterceptor> handlerInterceptors = interceptors.orderedStream().toList();
            MajordomoWorkerFactory factory = (definition) -> {
                ContextualRequestHandler handler = definition.handler();
                for (int i = handlerInterceptors.size() - 1; i >= 0; i--) {
                    handler = handlerInterceptors.get(i).intercept(definition.service(), handler);
                }
                List<String> endpoints = connectionDetails.getWorkerEndpoints();
                MajordomoWorker.Builder builder = MajordomoWorker
                    .builder(endpoints.get(0), definition.service(), handler)
                    .endpoints(endpoints)
                    .concurrency(definition.concurrency())
                    .prefetch(definition.prefetch())
                    .heartbeatInterval(heartbeat)
                    .liveness(liveness)
                    .reconnectDelay(reconnect, maxReconnect)
                    .shutdownGracePeriod(gracePeriod)
                    .security(security)
                    .exposeExceptionDetails(exposeExceptionDetails)
                    .listener(listener(listeners));
                if (virtualThreads != null) {
                    builder.threadFactory(virtualThreads);
                }
                InProcessContext shared = inProcess.getIfAvailable();
                if (shared != null && endpoints.stream().anyMatch(InProcessContext::serves)) {
                    builder.context(shared.context());
                }
                customizers.orderedStream()
                    .forEach((customizer) -> customizer.customize(definition.service(), builder));
                return builder.build();
            };
            return new MajordomoWorkerContainer(new MajordomoServiceDiscoverer(beanFactory, converter), factory,
                    gracePeriod);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PirateClient pirateClient(PirateProperties properties, PayloadConverter converter,
                PirateConnectionDetails connectionDetails, ObjectProvider<PirateListener> listeners,
                ObjectProvider<PirateClientCustomizer> customizers, ObjectProvider<PirateClientInterceptor> interceptors,
                Optional<InProcessContext> inProcess,
                @Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
                ObjectProvider<Executor> taskExecutor) {
            PirateProperties.Client client = properties.getClient();
            Duration timeout = PirateSettings.positive("pirate.client.timeout", client.getTimeout());
            int retries = PirateSettings.atLeast("pirate.client.retries", client.getRetries(), 0);
            Duration deadline = (client.getDeadline() != null)
                    ? PirateSettings.positive("pirate.client.deadline", client.getDeadline()) : null;
            CallOptions defaults = CallOptions.of(timeout, retries).withDeadline(deadline)
                .withBackoff(backoff(client.getRetry()));
            // Async replies and their continuations (payload conversion included) run on the
            // application's executor, off the client's I/O thread; without one, on the client's own pool.
            Executor callbacks = taskExecutor.getIfAvailable();
            PirateListener listener = listener(listeners);
            int failureThreshold = PirateSettings.atLeast("pirate.client.broker-failure-threshold",
                    client.getBrokerFailureThreshold(), 1);
            Duration quarantine = PirateSettings.positive("pirate.client.broker-quarantine",
                    client.getBrokerQuarantine());
            PirateSecurity security = PirateSecurity.from(properties);
            ClientSecurity brokerSecurity = security.brokerClientSecurity();
            // Every direct endpoint is checked before any client is built, so a bad one leaves nothing open.
            Map<String, DirectClient.Builder> directBuilders = new LinkedHashMap<>();
            client.getDirect().forEach((name, direct) -> {
                String prefix = "pirate.client.direct." + name + ".";
                DirectClient.Builder builder = DirectClient
                    .builder(PirateSettings.connectEndpoint(prefix + "endpoint", direct.getEndpoint()))
                    .name(name)
                    .defaults(defaults)
                    .timeout((direct.getTimeout() != null)
                            ? PirateSettings.positive(prefix + "timeout", direct.getTimeout()) : timeout)
                    .retries((direct.getRetries() != null)
                            ? PirateSettings.atLeast(prefix + "retries", direct.getRetries(), 0) : retries)
                    .listener(listener)
                    .security(security.directSecurity(name, direct))
                    .threadName("pirate-direct-" + name + "-io");
                if (callbacks != null) {
                    builder.callbackExecutor(callbacks);
                }
                directBuilders.put(name, builder);
            });
            Map<String, DirectClient> directClients = new LinkedHashMap<>();
            directBuilders.forEach((name, builder) -> {
                customizers.orderedStream().forEach((customizer) -> customizer.customizeDirect(name, builder));
                directClients.put(name, builder.build());
            });
            return new PirateClient(() -> {
                List<String> endpoints = connectionDetails.getClientEndpoints();
                MajordomoClient.Builder builder = ((endpoints.size() == 1) ? MajordomoClient.builder(endpoints.get(0))
                        : MajordomoClient.builder(endpoints).brokerFailurePolicy(failureThreshold, quarantine))
                    .defaults(defaults)
                    .security(brokerSecurity)
                    .listener(listener);
                // Resolved as an argument, not looked up here: the client then depends on the shared
                // context, so Spring closes the client (whose sockets live in it) before the context.
                InProcessContext shared = inProcess.orElse(null);
                if (shared != null && endpoints.stream().anyMatch(InProcessContext::serves)) {
                    builder.context(shared.context());
                }
                if (callbacks != null) {
                    builder.callbackExecutor(callbacks);
                }
                customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
                return builder.build();
            }, directClients, converter, interceptors.orderedStream().toList());
        }

        private static Backoff backoff(PirateProperties.Retry retry) {
            Duration initial = PirateSettings.notNegative("pirate.client.retry.initial-backoff",
                    retry.getInitialBackoff());
            Duration max = PirateSettings.notNegative("pirate.client.retry.max-backoff", retry.getMaxBackoff());
            PirateSettings.notBelow("pirate.client.retry.max-backoff", max, "pirate.client.retry.initial-backoff",
                    initial);
            double multiplier = PirateSettings.atLeast("pirate.client.retry.multiplier", retry.getMultiplier(), 1);
            return Backoff.exponential(initial, multiplier, max);
        }
    }
}
