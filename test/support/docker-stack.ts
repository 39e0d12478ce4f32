// Kafka (KRaft) and Confluent Schema Registry in containers on one network, for machines
// with a Docker engine. The images are the ones docker-compose.yml uses.
import { KafkaContainer } from '@testcontainers/kafka';
import { GenericContainer, Network, Wait } from 'testcontainers';
import type { StackEnv } from '../../stack/stack.ts';

export const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.0';
export const REGISTRY_IMAGE = 'confluentinc/cp-schema-registry:8.1.0';

export interface DockerStack {
  readonly env: StackEnv;
  stop(): Promise<void>;
}

export async function startDockerStack(): Promise<DockerStack> {
  const network = await new Network().start();
  const kafka = await new KafkaContainer(KAFKA_IMAGE)
    .withKraft()
    .withNetwork(network)
    .withNetworkAliases('kafka')
    // As on the local stack: topics are created on purpose, never by a stray producer.
    .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
    .start();
  const registry = await new GenericContainer(REGISTRY_IMAGE)
    .withNetwork(network)
    .withEnvironment({
      SCHEMA_REGISTRY_HOST_NAME: 'schema-registry',
      SCHEMA_REGISTRY_LISTENERS: 'http://0.0.0.0:8081',
      // The KafkaContainer's listener for other containers on the network.
      SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: 'PLAINTEXT://kafka:9092',
    })
    .withExposedPorts(8081)
    .withWaitStrategy(Wait.forHttp('/subjects', 8081).forStatusCode(200))
    .start();
  return {
    env: {
      // 9093 is the KafkaContainer's listener for the host.
      KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
      SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8081)}`,
    },
    async stop() {
      await registry.stop();
      await kafka.stop();
      await network.stop();
    },
  };
}
