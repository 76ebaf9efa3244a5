// The Go reference for test/keys-and-values-diff.test.ts: ESO's KeysAndValues parsing
// (runtime/template/v2/template.go mapScopeApply: `src := make(map[string]string)`,
// `yaml.Unmarshal(val, &src)` with k8s.io/apimachinery's yaml, which is sigs.k8s.io/yaml over
// goyaml v2). Built from Debian's golang-github-ghodss-yaml-dev (sigs.k8s.io/yaml's ancestor, the same
// convertToJSONableObject) and golang-gopkg-yaml.v2-dev, in GOPATH mode.
// Versions (checked for issue 15): ESO v2.9.0's go.mod has sigs.k8s.io/yaml v1.6.0 over go.yaml.in/yaml/v2
// v2.4.4 (gopkg.in/yaml.v2 v2.4.0 is only an indirect dependency of others) and go 1.26.5. Debian's
// golang-gopkg-yaml.v2-dev 2.4.0-4 carries no patches; its .go files are byte for byte those of
// go.yaml.in/yaml/v2 v2.4.4 but for one doc comment's URL (v2.4.1..v2.4.4 changed only the module path,
// docs, tests and go.mod), so nothing differs on these paths. ghodss/yaml's yamlToJSON and
// convertToJSONableObject are sigs.k8s.io/yaml v1.6.0's but for the capital of "Unsupported map key"
// (the test maps it). Go 1.19 against ESO's Go 1.26: encoding/json writes U+0008/U+000C as \u0008/\u000c
// before Go 1.22 and \b/\f after (the test maps them), and names no key in a type error.
package main

import (
	"encoding/base64"
	"fmt"

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

// JSON in, JSON out: test/helpers/go-batch.go.
func main() { runBatch(run) }
