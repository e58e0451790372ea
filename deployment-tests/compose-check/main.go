// compose-check loads docker-compose.yml with the Compose specification's own loader
// (github.com/compose-spec/compose-go, the code docker compose runs) the ways users start it:
// with no .env, with .env.example as .env, with the "load" profile and with the "lake" profile
// (what its one-shot runs and the exporter's command, as the loader resolves them). It fails, naming the
// case, if the file does not load or if a default a user relies on is not what it resolves to:
// every published port on 127.0.0.1, no variable required, the services of each case present.
//
// Usage (from the repository root): go run ./deployment-tests/compose-check .
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

type check struct {
	name     string
	file     string // docker-compose.yml when empty
	envFiles []string
	profiles []string
	services []string
	proxy    bool // the env file sets HTTPS_PROXY=http://proxy.example.com:3128 and NO_PROXY=.example.com
	dollar   bool // the env file sets CLICKHOUSE_ADMIN_PASSWORD='pa$word&more'
}

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	root, _ = filepath.Abs(root)
	base := []string{"clickhouse", "collector", "consumer", "grafana", "kafka", "producer", "schema", "secrets"}
	cluster := []string{"balancer", "clickhouse-1", "clickhouse-2", "collector-1", "collector-2", "consumer-1", "consumer-2",
		"grafana", "kafka-1", "kafka-2", "kafka-3", "keeper-1", "keeper-2", "keeper-3", "producer", "schema-1", "schema-2", "secrets"}
	checks := []check{
		{name: "no .env", services: base},
		{name: ".env.example as .env", envFiles: []string{filepath.Join(root, ".env.example")}, services: base},
		{name: "load profile", profiles: []string{"load"}, services: append(append([]string{}, base...), "producer-load")},
		{name: "lake profile", profiles: []string{"lake"}, services: append(append([]string{}, base...), "minio", "lake-bucket", "exporter")},
		{name: "behind a proxy", envFiles: []string{filepath.Join(root, "deployment-tests/compose-check/proxy.env")}, services: base, proxy: true},
		{name: "a password with a $ in single quotes", envFiles: []string{filepath.Join(root, "deployment-tests/compose-check/dollar.env")}, services: base, dollar: true},
		{name: "the cluster", file: "docker-compose.cluster.yml", services: cluster},
		{name: "the cluster, .env.example as .env", file: "docker-compose.cluster.yml", envFiles: []string{filepath.Join(root, ".env.example")}, services: cluster},
	}
	failed := false
	for _, c := range checks {
		if err := run(root, c); err != nil {
			fmt.Printf("FAIL %s: %v\n", c.name, err)
			failed = true
		} else {
			fmt.Printf("ok   %s\n", c.name)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func run(root string, c check) error {
	options := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(root),
		cli.WithName("clickstream"),
		cli.WithProfiles(c.profiles),
		// Only the variables a user sets: none, or the env file. Never this machine's environment.
		cli.WithEnvFiles(c.envFiles...),
		cli.WithDotEnv,
	}
	file := c.file
	if file == "" {
		file = "docker-compose.yml"
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, file)}, options...)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return err
	}
	var names []string
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	expected := append([]string{}, c.services...)
	sort.Strings(expected)
	if strings.Join(names, ",") != strings.Join(expected, ",") {
		return fmt.Errorf("services %v, expected %v", names, expected)
	}
	for _, name := range names {
		if err := checkService(project.Services[name]); err != nil {
			return fmt.Errorf("service %s: %w", name, err)
		}
	}
	if c.dollar {
		if v := value(project.Services["secrets"].Environment["CLICKHOUSE_ADMIN_PASSWORD"]); v != "pa$word&more" {
			return fmt.Errorf("the secrets service gets CLICKHOUSE_ADMIN_PASSWORD %q, not pa$word&more", v)
		}
	}
	if c.proxy {
		if err := checkProxy(project); err != nil {
			return err
		}
	}
	if exporter, ok := project.Services["exporter"]; ok {
		return checkLake(exporter, project.Services["lake-bucket"])
	}
	if c.file == "docker-compose.cluster.yml" {
		return checkCluster(project)
	}
	return nil
}

// checkCluster: what the cluster's guarantees rest on, as the loader resolves it (anchors,
// merges and extends included): each consumer writes to its own replica, never the balancer, with
// quorum 2; every topic client creates topics at replication factor 3; three Kafka nodes and three
// Keeper nodes with distinct ids; replicas that name themselves distinctly and leave the schema to
// apply-schema in the replicated layout; Grafana reads through the balancer and depends on no
// service of the single-server file.
func checkCluster(project *types.Project) error {
	env := func(service, name string) string { return value(project.Services[service].Environment[name]) }
	expect := func(service, name, want string) error {
		if got := env(service, name); got != want {
			return fmt.Errorf("service %s: %s is %q, expected %q", service, name, got, want)
		}
		return nil
	}
	var problems []error
	for i, n := range []string{"1", "2", "3"} {
		kafka, keeper := "kafka-"+n, "keeper-"+n
		problems = append(problems,
			expect(kafka, "KAFKA_NODE_ID", n),
			expect(kafka, "KAFKA_ADVERTISED_LISTENERS", "INTERNAL://"+kafka+":29092"),
			expect(kafka, "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"),
			expect(kafka, "KAFKA_MIN_INSYNC_REPLICAS", "2"),
			expect(kafka, "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3"),
			expect(kafka, "KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false"),
			expect(keeper, "KEEPER_SERVER_ID", n))
		if i < 2 {
			replica := "clickhouse-" + n
			problems = append(problems,
				expect(replica, "CLICKHOUSE_REPLICA", replica),
				expect(replica, "CLICKSTREAM_INIT_SCHEMA", "false"),
				expect("schema-"+n, "CLICKHOUSE_JDBC_URL", "jdbc:clickhouse://"+replica+":8123/clickstream"),
				expect("schema-"+n, "CLICKHOUSE_SCHEMA_LAYOUT", "replicated"),
				expect("consumer-"+n, "CLICKHOUSE_JDBC_URL", "jdbc:clickhouse://"+replica+":8123/clickstream"),
				expect("consumer-"+n, "CLICKHOUSE_INSERT_QUORUM", "2"),
				expect("consumer-"+n, "KAFKA_TOPIC_REPLICATION_FACTOR", "3"),
				expect("collector-"+n, "KAFKA_TOPIC_REPLICATION_FACTOR", "3"),
				expect("consumer-"+n, "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:29092,kafka-2:29092,kafka-3:29092"),
				expect("collector-"+n, "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:29092,kafka-2:29092,kafka-3:29092"))
		}
	}
	problems = append(problems, expect("producer", "KAFKA_TOPIC_REPLICATION_FACTOR", "3"))
	if aliases := project.Services["balancer"].Networks["default"]; aliases == nil || strings.Join(aliases.Aliases, ",") != "clickhouse" {
		problems = append(problems, fmt.Errorf("the balancer is not \"clickhouse\" on the network (Grafana's data source host)"))
	}
	for dependency := range project.Services["grafana"].DependsOn {
		if _, ok := project.Services[dependency]; !ok {
			problems = append(problems, fmt.Errorf("grafana depends on %s, which the cluster does not have", dependency))
		}
	}
	for _, problem := range problems {
		if problem != nil {
			return problem
		}
	}
	return nil
}

// checkLake: the exporter writes to the bucket the one-shot creates, on the endpoint MinIO
// answers, every 15 minutes by default; the one-shot reads MinIO's password from the secrets
// volume at run time ("$$" in the file is a literal "$" for the shell, not a Compose variable).
func checkLake(exporter, bucket types.ServiceConfig) error {
	want := "export --every 15m --output s3://clickstream-lake/clickstream --s3-endpoint http://minio:9000"
	if got := strings.Join(exporter.Command, " "); got != want {
		return fmt.Errorf("exporter command %q, expected %q", got, want)
	}
	script := strings.Join(bucket.Entrypoint, " ")
	for _, part := range []string{`"$(cat /run/clickstream-secrets/minio_root)"`, "http://minio:9000", "mc mb --ignore-existing lake/clickstream-lake"} {
		if !strings.Contains(script, part) {
			return fmt.Errorf("lake-bucket entrypoint %q lacks %q", script, part)
		}
	}
	return nil
}

func checkService(service types.ServiceConfig) error {
	for _, port := range service.Ports {
		if port.HostIP != "127.0.0.1" {
			return fmt.Errorf("port %s published on %q, not 127.0.0.1", port.Published, port.HostIP)
		}
	}
	for _, volume := range service.Volumes {
		if volume.Type == types.VolumeTypeBind {
			if _, err := os.Stat(volume.Source); err != nil {
				return fmt.Errorf("bind mount source %s: %w", volume.Source, err)
			}
		}
	}
	return nil
}

// checkProxy: the proxy reaches every image build and Grafana, and Grafana still reaches
// ClickHouse directly whatever NO_PROXY the user sets.
func checkProxy(project *types.Project) error {
	const proxy = "http://proxy.example.com:3128"
	for _, name := range []string{"consumer", "producer", "collector", "schema"} {
		build := project.Services[name].Build
		if build == nil {
			return fmt.Errorf("service %s has no build", name)
		}
		if arg := value(build.Args["HTTPS_PROXY"]); arg != proxy {
			return fmt.Errorf("service %s: build arg HTTPS_PROXY %q, not %s", name, arg, proxy)
		}
	}
	grafana := project.Services["grafana"].Environment
	if v := value(grafana["HTTPS_PROXY"]); v != proxy {
		return fmt.Errorf("grafana HTTPS_PROXY %q, not %s", v, proxy)
	}
	if v := value(grafana["NO_PROXY"]); v != "clickhouse,localhost,127.0.0.1,.example.com" {
		return fmt.Errorf("grafana NO_PROXY %q", v)
	}
	return nil
}

// value: a resolved variable, "" when it is absent (nil).
func value(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}
