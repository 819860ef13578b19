import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Aborts hanging transactions: a partition whose open transaction has written nothing for longer
 * than any producer of this stack keeps a transaction open. A read_committed reader (Kafka
 * Connect's exactly-once offset store, every consumer here) cannot read past it, for good.
 * Kafka 4.3.1 can leave one after a broker is killed mid-transaction: the restarted coordinator
 * resigns while it sends the commit markers, and never sends them again.
 *
 * java -cp "<kafka libs>/*" AbortHangingTransactions.java <bootstrap> <idle seconds> [<watch seconds>]
 *
 * Prints one line per transaction it aborts; with a watch interval it looks again until killed.
 */
public class AbortHangingTransactions {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: AbortHangingTransactions <bootstrap> <idle seconds> [<watch seconds>]");
      System.exit(2);
    }
    long idleMs = Long.parseLong(args[1]) * 1000;
    long watchMs = args.length > 2 ? Long.parseLong(args[2]) * 1000 : 0;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (Admin admin = Admin.create(props)) {
      do {
        try {
          abortHanging(admin, idleMs);
        } catch (Exception e) {
          if (watchMs == 0) throw e;
          System.err.println("look failed (will look again): " + e);
        }
        if (watchMs > 0) Thread.sleep(watchMs);
      } while (watchMs > 0);
    }
  }

  static void abortHanging(Admin admin, long idleMs) throws Exception {
    List<String> topics = new ArrayList<>(admin.listTopics().names().get());
    if (topics.isEmpty()) return;
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
    List<TopicPartition> partitions = described.values().stream()
        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
        .collect(Collectors.toList());
    Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all().get();
    long now = System.currentTimeMillis();
    for (Map.Entry<TopicPartition, PartitionProducerState> e : states.entrySet()) {
      for (ProducerState p : e.getValue().activeProducers()) {
        if (p.currentTransactionStartOffset().isEmpty() || now - p.lastTimestamp() < idleMs) continue;
        int coordinatorEpoch = p.coordinatorEpoch().orElse(-1);
        admin.abortTransaction(
            new AbortTransactionSpec(e.getKey(), p.producerId(), (short) p.producerEpoch(), coordinatorEpoch))
            .all().get();
        System.out.println("aborted the transaction of producer " + p.producerId() + " (epoch " + p.producerEpoch()
            + ") on " + e.getKey() + ", open since offset " + p.currentTransactionStartOffset().getAsLong()
            + ", idle " + Duration.ofMillis(now - p.lastTimestamp()).toSeconds() + " s");
      }
    }
  }
}
