package main

import (
	"fmt"
	"strings"
)

// commandLine is a parsed command line: positional arguments, --name value (or --name=value) options and switches.
// Options may come before or after positional arguments.
type commandLine struct {
	positional []string
	values     map[string]string
	switches   map[string]bool
}

func parseCommandLine(args []string, valued []string, switches []string, positional int) (*commandLine, error) {
	isValued := toSet(valued)
	isSwitch := toSet(switches)
	c := &commandLine{values: map[string]string{}, switches: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			c.positional = append(c.positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			c.positional = append(c.positional, arg)
			continue
		}
		name := strings.TrimLeft(arg, "-")
		value, inline := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, inline = name[:eq], name[eq+1:], true
		}
		switch {
		case isValued[name]:
			if !inline {
				if i+1 == len(args) {
					return nil, fmt.Errorf("option --%s needs a value", name)
				}
				i++
				value = args[i]
			}
			c.values[name] = value
		case isSwitch[name] && !inline:
			c.switches[name] = true
		default:
			return nil, fmt.Errorf("unknown option %s", arg)
		}
	}
	if len(c.positional) != positional {
		return nil, fmt.Errorf("expected %d arguments, got %d", positional, len(c.positional))
	}
	return c, nil
}

func toSet(names []string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}
