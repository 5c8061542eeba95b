package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseCommand gives fs the usage text of a subcommand (printed with the
// flags' defaults on -help and after a bad flag) and parses args, flags
// anywhere among them. It returns the positional arguments, or ok false
// and the exit code the command ends with: 0 after -help, 2 after a bad
// flag (which the flag set has already reported).
func parseCommand(fs *flag.FlagSet, usage string, args []string) (pos []string, code int, ok bool) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, 0, false
	}
	if err != nil {
		return nil, 2, false
	}
	return pos, 0, true
}

// usageError reports a wrong use of the command name (its flag set's
// name, such as "coffer scrub") and where its help is, and returns the
// exit code 2.
func usageError(w io.Writer, name, format string, a ...any) int {
	fmt.Fprintf(w, name+": "+format+"\nRun '"+name+" -help' for usage.\n", a...)
	return 2
}
