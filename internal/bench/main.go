package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit statuses of Main.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Main runs `coffer bench` with args (without the command name) and returns
// the process exit status: 0 when every operation succeeded, 1 when some
// failed or the run could not be set up or cleaned up, 2 for a bad command
// line. The report goes to stdout; a progress line too when stdout is a
// terminal and --json is not given. Cancel ctx (on SIGINT, say) to stop
// early: what was measured is still reported and cleaned up.
//
// `coffer bench user ...` instead makes the IAM user a benchmark measures
// beside the root user (see mainUser).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == userCommand {
		return mainUser(ctx, args[1:], stdout, stderr)
	}
	var o options
	fs := newFlagSet(&o, stderr)
	if err := parseArgs(fs, &o, args, os.Getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(fs, stdout)
			return exitOK
		}
		if errors.Is(err, ErrConfig) {
			fmt.Fprintf(stderr, "coffer bench: %v\n", err)
		}
		fmt.Fprintln(stderr, "Run 'coffer bench --help' for usage.")
		return exitUsage
	}
	if !o.json && isTerminal(stdout) {
		o.cfg.Progress = stdout
	}
	report, err := Run(ctx, o.cfg)
	if report != nil {
		if o.json {
			err = errors.Join(err, report.WriteJSON(stdout))
		} else {
			err = errors.Join(err, report.WriteTable(stdout))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "coffer bench: %v\n", err)
		if errors.Is(err, ErrConfig) {
			return exitUsage
		}
		return exitFailed
	}
	if report.ErrorCount() > 0 {
		return exitFailed
	}
	return exitOK
}

// isTerminal reports whether w is a character device such as a terminal,
// the only place where rewriting a line with carriage returns makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
