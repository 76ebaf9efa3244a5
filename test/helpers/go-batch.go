// The batch protocol of the Go differential references: a JSON array of inputs on stdin, a JSON array of
// outputs on stdout, one per input and in order. test/helpers/go-ref.ts (buildGoReference) copies this
// file beside each reference's main.go, which calls runBatch with its own run function.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func runBatch[I, O any](run func(I) O) {
	var ins []I
	if err := json.NewDecoder(os.Stdin).Decode(&ins); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	outs := make([]O, 0, len(ins))
	for _, in := range ins {
		outs = append(outs, run(in))
	}
	if err := json.NewEncoder(os.Stdout).Encode(outs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
