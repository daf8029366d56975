// Command herald runs Herald: the news site, and the commands that feed
// and manage it. main only wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/herald-news/herald"
)

const usage = `Herald — a self-hosted news site that runs itself.

Usage:
  herald serve  [--db PATH|postgres://…] [--addr HOST:PORT] [--demo]   run the site
  herald import [--db PATH|postgres://…] FILE.jsonl|-                   load articles
  herald source add URL | list | set | remove | import | export        follow outlets; OPML in and out
  herald story list | split ARTICLE-SLUG | merge ID INTO-ID            edit stories
  herald article takedown SLUG --reason TEXT | restore | edit SLUG     unpublish, publish again, retitle
  herald extract [--url URL] FILE|-                                    show what Herald reads from a page
  herald user add EMAIL --role admin|editor|moderator                  add a user of the desk (password on stdin)
  herald comments export|erase --email ADDR                            a commenter's data: export or erase
  herald topic add NAME --match "…" | edit SLUG | list | suggest      topics and their rules
  herald digest show TOPIC | pin ID | edit ID "TEXT" | hide ID          correct a topic's latest developments
  herald keypoints [-n N] FILE.jsonl|-                                 the sentences that best say what happened
  herald media stats | refetch [--source SLUG]                         articles' pictures: what is stored, fetch again
  herald check [--db PATH|postgres://…] [--repair]                     check the database; rebuild what can be
  herald backup [--db PATH] FILE                                       a checked snapshot of the SQLite store, while it serves
  herald restore FILE [--db PATH] [--force]                            put a backup back (stop herald serve first)

Run "herald COMMAND --help" for a command's flags.
`

// errUsage marks a mistake in how herald was called; its message has
// already been printed with the usage.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "herald:", message(err))
		os.Exit(1)
	}
}

// env is the outside world a command talks to; tests supply their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest, e)
	case "import":
		return runImport(ctx, rest, e)
	case "source":
		return runSource(ctx, rest, e)
	case "story":
		return runStory(ctx, rest, e)
	case "article":
		return runArticle(ctx, rest, e)
	case "extract":
		return runExtract(ctx, rest, e)
	case "user":
		return runUser(ctx, rest, e)
	case "comments":
		return runComments(ctx, rest, e)
	case "keypoints":
		return runKeypoints(ctx, rest, e)
	case "topic":
		return runTopic(ctx, rest, e)
	case "digest":
		return runDigest(ctx, rest, e)
	case "media":
		return runMedia(ctx, rest, e)
	case "check":
		return runCheck(ctx, rest, e)
	case "backup":
		return runBackup(ctx, rest, e)
	case "restore":
		return runRestore(ctx, rest, e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		fmt.Fprintf(e.stderr, "herald: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}

// message is the one line shown for err: the user-facing message of a
// herald.Error, or the wrapped chain of anything else.
func message(err error) string {
	var he *herald.Error
	if errors.As(err, &he) {
		return he.Message
	}
	return err.Error()
}

// parseFlags parses args with fs, turning flag errors into errUsage (the
// flag package has printed them) and -h into a clean exit.
func parseFlags(fs *flag.FlagSet, args []string, e env) error {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	return nil
}

var errHelp = errors.New("help")

// subcommand runs one verb of a command, such as the "add" of
// "herald source add", with the arguments after it.
type subcommand func(ctx context.Context, args []string, e env) error

// runSubcommand runs the subcommand of "herald name" that args[0] names,
// or prints usage and returns errUsage when it names none.
func runSubcommand(ctx context.Context, name, usage string, subs map[string]subcommand, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	sub, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "herald %s: unknown subcommand %q\n\n%s", name, args[0], usage)
		return errUsage
	}
	return sub(ctx, args[1:], e)
}
