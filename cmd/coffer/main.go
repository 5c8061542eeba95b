package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one `coffer <name>` subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env environment, args []string) int
}

// environment is what a subcommand may touch of the process, passed in so
// that tests can run subcommands in-process.
type environment struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// commands lists the subcommands.
func commands() map[string]command {
	return map[string]command{
		"server":     {"serve the S3 API", runServer},
		"account":    {"create and list accounts of a running coffer", runAccount},
		"bench":      {"measure an S3 endpoint (coffer or another server)", runBench},
		"cse":        {"put and get files with client-side encryption (S3 Encryption Client v2 format)", runCSE},
		"meta":       {"copy the embedded metadata store into PostgreSQL (coffer meta copy)", runMeta},
		"master-key": {"generate a master key file, or list a key file's versions", runMasterKey},
		"scrub":      {"list damaged objects of a running coffer, or run a scrub pass now", runScrub},
		"lifecycle":  {"explain which lifecycle rule acts on a key of a running coffer, and when", runLifecycle},
		"reencrypt":  {"show or run the encryption of objects a running coffer stores in plaintext", runReencrypt},
		"tls":        {"create a local CA and a server certificate (tls init)", runTLS},
		"version":    {"print the version", runVersion},
		"health":     {"exit 0 if a running coffer is ready (for container health checks)", runHealth},
		"help":       {"print this help", runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	// The first signal starts a graceful shutdown; restoring the default
	// handling then lets a second one end the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, environment{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, env environment, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(env.stderr, "coffer: unknown command %q\n\n", args[0])
		usage(env.stderr)
		return 2
	}
	return cmd.run(ctx, env, args[1:])
}

func runHelp(_ context.Context, env environment, _ []string) int {
	usage(env.stdout)
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "coffer is a self-hosted, S3-compatible object store.\n\nUsage:\n\n  coffer <command> [flags]\n\nCommands:\n\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'coffer <command> -help' for a command's flags.\n")
}
