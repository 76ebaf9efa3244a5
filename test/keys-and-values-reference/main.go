// The Go reference for test/keys-and-values-diff.test.ts: ESO's KeysAndValues parsing
// (runtime/template/v2/template.go mapScopeApply: `src := make(map[string]string)`,
// `yaml.Unmarshal(val, &src)` with k8s.io/apimachinery's yaml, which is sigs.k8s.io/yaml over
// goyaml v2). Built from Debian's golang-github-ghodss-yaml-dev (sigs.k8s.io/yaml's ancestor, the same
// convertToJSONableObject) and golang-gopkg-yaml.v2-dev, in GOPATH mode.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/ghodss/yaml"
)

type input struct {
	Name string `json:"name"`
	Text string `json:"text"` // base64
}

type output struct {
	Name  string            `json:"name"`
	Map   map[string]string `json:"map,omitempty"` // base64 key -> base64 value
	Error string            `json:"error,omitempty"`
	Panic string            `json:"panic,omitempty"`
}

func run(in input) (out output) {
	out.Name = in.Name
	defer func() {
		if r := recover(); r != nil {
			out.Panic = fmt.Sprint(r)
		}
	}()
	val, _ := base64.StdEncoding.DecodeString(in.Text)
	src := make(map[string]string)
	if err := yaml.Unmarshal(val, &src); err != nil {
		out.Error = err.Error()
		return
	}
	out.Map = map[string]string{}
	for k, v := range src {
		out.Map[base64.StdEncoding.EncodeToString([]byte(k))] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	return
}

func main() {
	var ins []input
	if err := json.NewDecoder(os.Stdin).Decode(&ins); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	outs := make([]output, 0, len(ins))
	for _, in := range ins {
		outs = append(outs, run(in))
	}
	if err := json.NewEncoder(os.Stdout).Encode(outs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
