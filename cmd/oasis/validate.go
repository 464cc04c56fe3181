package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"oasis/engine/scenario"
	"oasis/scenarios"
)

func runValidate(ctx context.Context, env *cli, args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis validate [PATHS...]\n\nChecks scenario files (folders are searched for .yaml and .yml files).\nWith no paths, checks the scenarios bundled into this binary.")
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	var lib *scenario.Library
	var err error
	if fs.NArg() == 0 {
		lib, err = scenarios.Load()
	} else {
		lib, err = scenario.LoadPaths(fs.Args()...)
	}
	if err != nil {
		var list scenario.ErrorList
		if !errors.As(err, &list) {
			return err
		}
		for _, e := range list {
			fmt.Fprintln(env.stdout, e)
		}
		files := map[string]bool{}
		for _, e := range list {
			files[e.File] = true
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s in %s", plural(len(list), "problem"), plural(len(files), "file"))}
	}
	fmt.Fprintf(env.stdout, "ok: %s (%s, %s), no problems\n",
		plural(len(lib.Order), "scenario"), plural(len(lib.Roleplays), "role play"), plural(len(lib.Cases), "practice case"))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
