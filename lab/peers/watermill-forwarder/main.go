// Command watermill-forwarder runs Watermill's forwarder (components/forwarder) from a
// watermill-sql subscriber (PostgreSQL) to a watermill-kafka publisher (Sarama), as a peer of
// fileflow's polling relay in `npm run bench`'s drain phase.
//
//	watermill-forwarder fill    -pg URL -dest TOPIC -rows N
//	watermill-forwarder forward -pg URL -brokers HOST:PORT[,...] -rows N [-timeout 90s]
//
// `fill` writes N enveloped messages into the forwarder's table through Watermill's own
// publishers (forwarder.Publisher over sql.Publisher), so the rows are exactly what an
// application using Watermill's outbox writes. `forward` runs the forwarder until N messages
// have reached Kafka or the timeout passes, and prints one JSON line:
// {"forwarded":N,"seconds":S,"finished":bool}. Progress goes to stderr.
package main

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v3/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// forwarderTopic names the forwarder's table: "watermill_outbox" (and "watermill_offsets_outbox").
const forwarderTopic = "outbox"

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: watermill-forwarder fill|forward [flags]"))
	}
	var err error
	switch os.Args[1] {
	case "fill":
		err = fill(os.Args[2:])
	case "forward":
		err = forward(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: fill or forward", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "watermill-forwarder:", err)
	os.Exit(1)
}

func schema(batch int) wsql.DefaultPostgreSQLSchema {
	return wsql.DefaultPostgreSQLSchema{SubscribeBatchSize: batch}
}

func fill(args []string) error {
	fs := flag.NewFlagSet("fill", flag.ExitOnError)
	pg := fs.String("pg", "", "PostgreSQL URL")
	dest := fs.String("dest", "", "the Kafka topic each message is forwarded to")
	rows := fs.Int("rows", 0, "messages to write")
	perStatement := fs.Int("per-statement", 5000, "messages per INSERT (3 parameters each)")
	_ = fs.Parse(args)
	if *pg == "" || *dest == "" || *rows <= 0 {
		return fmt.Errorf("fill needs -pg, -dest and -rows")
	}
	db, err := stdsql.Open("pgx", *pg)
	if err != nil {
		return err
	}
	defer db.Close()
	sqlPub, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: schema(0), AutoInitializeSchema: true}, nil)
	if err != nil {
		return err
	}
	pub := forwarder.NewPublisher(sqlPub, forwarder.PublisherConfig{ForwarderTopic: forwarderTopic})
	defer pub.Close()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	for from := 1; from <= *rows; from += *perStatement {
		to := min(from+*perStatement-1, *rows)
		msgs := make([]*message.Message, 0, to-from+1)
		for id := from; id <= to; id++ {
			// The same record as the polling relay's drain: the file.create payload, keyed by file id.
			payload, _ := json.Marshal(map[string]any{
				"fileId": id, "title": fmt.Sprintf("backlog file %d", id), "description": "benchmark row", "timestamp": now,
			})
			m := message.NewMessage(watermill.NewUUID(), payload)
			m.Metadata.Set("type", "file.create")
			m.Metadata.Set("traceparent", traceparent)
			m.Metadata.Set("key", fmt.Sprint(id))
			msgs = append(msgs, m)
		}
		if err := pub.Publish(*dest, msgs...); err != nil {
			return err
		}
	}
	_, err = db.Exec(`ANALYZE "watermill_` + forwarderTopic + `"`)
	return err
}

// countingPublisher counts the messages its publisher has had acknowledged by Kafka.
type countingPublisher struct {
	message.Publisher
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (c *countingPublisher) Publish(topic string, msgs ...*message.Message) error {
	if err := c.Publisher.Publish(topic, msgs...); err != nil {
		return err
	}
	if c.n.Add(int64(len(msgs))) == c.want {
		close(c.done)
	}
	return nil
}

// saramaConfig is watermill-kafka's sync publisher config with fileflow's delivery settings:
// acks=all and the idempotent producer. The forwarder sends one message at a time and waits for
// its acknowledgement, so a flush delay (Producer.Flush.Frequency) would only add to each send:
// by default Sarama sends at once.
func saramaConfig(flushMessages int, flushFrequency time.Duration) *sarama.Config {
	c := kafka.DefaultSaramaSyncPublisherConfig()
	c.Version = sarama.V4_0_0_0
	c.ClientID = "watermill-forwarder-bench"
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1 // required by the idempotent producer
	c.Producer.Flush.Messages = flushMessages
	c.Producer.Flush.Frequency = flushFrequency
	c.Metadata.Retry.Backoff = 250 * time.Millisecond
	return c
}

func forward(args []string) error {
	fs := flag.NewFlagSet("forward", flag.ExitOnError)
	pg := fs.String("pg", "", "PostgreSQL URL")
	brokers := fs.String("brokers", "127.0.0.1:9092", "Kafka brokers, comma-separated")
	rows := fs.Int("rows", 0, "stop once this many messages have been forwarded")
	timeout := fs.Duration("timeout", 90*time.Second, "stop after this long in any case")
	batch := fs.Int("batch", 1000, "rows the SQL subscriber reads per query (SubscribeBatchSize)")
	poll := fs.Duration("poll", 10*time.Millisecond, "the SQL subscriber's wait after a query found nothing")
	flushMessages := fs.Int("flush-messages", 0, "Sarama Producer.Flush.Messages")
	flushFrequency := fs.Duration("flush-frequency", 0, "Sarama Producer.Flush.Frequency")
	verbose := fs.Bool("verbose", false, "Watermill's own logging to stderr")
	_ = fs.Parse(args)
	if *pg == "" || *rows <= 0 {
		return fmt.Errorf("forward needs -pg and -rows")
	}
	var logger watermill.LoggerAdapter = watermill.NopLogger{}
	if *verbose {
		logger = watermill.NewStdLoggerWithOut(os.Stderr, false, false)
	}
	db, err := stdsql.Open("pgx", *pg)
	if err != nil {
		return err
	}
	defer db.Close()
	sub, err := wsql.NewSubscriber(db, wsql.SubscriberConfig{
		SchemaAdapter:    schema(*batch),
		OffsetsAdapter:   wsql.DefaultPostgreSQLOffsetsAdapter{},
		InitializeSchema: true,
		PollInterval:     *poll,
		ResendInterval:   100 * time.Millisecond,
		RetryInterval:    100 * time.Millisecond,
	}, logger)
	if err != nil {
		return err
	}
	kpub, err := kafka.NewPublisher(kafka.PublisherConfig{
		Brokers: strings.Split(*brokers, ","),
		// Keyed by file id, as fileflow's relays key each record: per-file order on one partition.
		Marshaler: kafka.NewWithPartitioningMarshaler(func(_ string, m *message.Message) (string, error) {
			return m.Metadata.Get("key"), nil
		}),
		OverwriteSaramaConfig: saramaConfig(*flushMessages, *flushFrequency),
	}, logger)
	if err != nil {
		return err
	}
	counter := &countingPublisher{Publisher: kpub, want: int64(*rows), done: make(chan struct{})}
	fwd, err := forwarder.NewForwarder(sub, counter, logger, forwarder.Config{
		ForwarderTopic: forwarderTopic,
		CloseTimeout:   10 * time.Second,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := time.Now()
	runErr := make(chan error, 1)
	go func() { runErr <- fwd.Run(ctx) }()
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	deadline := time.After(*timeout)
	finished := false
wait:
	for {
		select {
		case <-counter.done:
			finished = true
			break wait
		case <-deadline:
			break wait
		case err := <-runErr:
			if err != nil {
				return fmt.Errorf("forwarder stopped: %w", err)
			}
			break wait
		case <-ticker.C:
			fmt.Fprintf(os.Stderr, "forwarded %d of %d in %.0f s\n", counter.n.Load(), *rows, time.Since(started).Seconds())
		}
	}
	seconds := time.Since(started).Seconds()
	forwarded := counter.n.Load()
	cancel()
	closeErr := make(chan error, 1)
	go func() { closeErr <- fwd.Close() }()
	select {
	case <-closeErr:
	case <-time.After(15 * time.Second):
		fmt.Fprintln(os.Stderr, "forwarder did not close within 15 s")
	}
	_ = kpub.Close()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"forwarded": forwarded, "seconds": seconds, "finished": finished})
}
