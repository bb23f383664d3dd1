import kafkajs, { type Kafka, type MemberDescription, type PartitionAssigner } from 'kafkajs';
import type { Logger } from 'pino';

// Not named imports: Node's ESM loader cannot see these among kafkajs's CommonJS exports.
const { AssignerProtocol, PartitionAssigners } = kafkajs;

/** What a member of ours puts in its subscription's user data: its instance id. */
const USER_DATA_PREFIX = 'switchyard-instance:';

/**
 * kafkajs's round-robin assigner (its default) whose subscription carries `instanceId` in the
 * user data, so the next process of the same instance can recognise this member after a crash.
 * The assignment itself is kafkajs's.
 */
export function instanceAssigner(instanceId: string): PartitionAssigner {
  return (config) => {
    const assigner = PartitionAssigners.roundRobin(config);
    return {
      ...assigner,
      protocol: ({ topics }) => ({
        name: assigner.name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: assigner.version,
          topics,
          userData: Buffer.from(USER_DATA_PREFIX + instanceId),
        }),
      }),
    };
  };
}

/** The instance id a member's subscription carries, if it is one of ours. */
export function instanceIdOf(member: Pick<MemberDescription, 'memberMetadata'>): string | undefined {
  try {
    const userData = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData.toString();
    return userData?.startsWith(USER_DATA_PREFIX) ? userData.slice(USER_DATA_PREFIX.length) : undefined;
  } catch {
    return undefined; // another client's metadata
  }
}

/**
 * Static membership, the part a crash restart needs: the members of `groupId` that carry our
 * instance id before this process joins are its predecessors, killed without leaving the group. The
 * coordinator would wait for their session timeout before it reassigns their partitions (the
 * ~6 s, or `kafka.sessionTimeoutMs`, of a restart after a SIGKILL); a LeaveGroup in their name
 * (any member of the group may send one) lets the join go ahead at once. kafkajs supports neither
 * `group.instance.id` nor a LeaveGroup for another member, so this sends it on a cluster of the
 * client's own (its private factory, looked up by description; absent in another kafkajs, and then
 * the restart waits as before). Returns how many were removed.
 */
export async function evictPredecessors(
  kafka: Kafka,
  groupId: string,
  instanceId: string,
  members: MemberDescription[],
  logger: Logger,
): Promise<number> {
  const dead = members.filter((member) => instanceIdOf(member) === instanceId);
  if (dead.length === 0) return 0;
  const createCluster = privateClusterFactory(kafka);
  if (createCluster === undefined) {
    logger.warn({ instanceId }, 'cannot remove the crashed predecessor from the group: another kafkajs');
    return 0;
  }
  const cluster = createCluster({});
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    for (const { memberId } of dead) {
      await coordinator.leaveGroup({ groupId, memberId });
      logger.info(
        { instanceId, memberId },
        'removed the crashed predecessor of this instance from the group',
      );
    }
  } finally {
    await cluster.disconnect();
  }
  return dead.length;
}

interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(options: { groupId: string }): Promise<{
    leaveGroup(options: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

function privateClusterFactory(kafka: Kafka): ((options: object) => Cluster) | undefined {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (each) => each.description === 'private:Kafka:createCluster',
  );
  const factory: unknown =
    symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  return typeof factory === 'function' ? (factory as (options: object) => Cluster) : undefined;
}
