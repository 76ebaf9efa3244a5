// Reference for test/bitwarden-secret-map-diff.test.ts: ESO v2.9.0's Bitwarden GetSecretMap split
// (providers/v1/bitwarden/client.go: go-yaml v3 first, then encoding/json), re-typed here from reading
// that code, built against Debian's golang-gopkg-yaml.v3-dev. Input on stdin: a JSON list of
// {"name", "value" (base64)}; output: a JSON list of {"name", "map" (values base64)} or {"name", "error": true}.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

type in struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type out struct {
	Name  string            `json:"name"`
	Map   map[string]string `json:"map,omitempty"`
	Error bool              `json:"error,omitempty"`
}

func parseYamlSecretData(data []byte) (map[string][]byte, error) {
	kv := make(map[string]any)
	if err := yaml.Unmarshal(data, &kv); err != nil {
		return nil, err
	}
	secretData := make(map[string][]byte)
	for k, v := range kv {
		switch t := v.(type) {
		case string:
			secretData[k] = []byte(t)
		case []byte:
			secretData[k] = t
		case map[string]any:
			d, err := yaml.Marshal(t)
			if err != nil {
				return nil, err
			}
			secretData[k] = bytes.TrimSpace(d)
		default:
			secretData[k] = fmt.Appendf(nil, "%v", t)
		}
	}
	return secretData, nil
}

func getSecretMap(data []byte) (map[string][]byte, error) {
	if err := yaml.Unmarshal(data, map[string]any{}); err == nil {
		return parseYamlSecretData(data)
	}
	kv := make(map[string]json.RawMessage)
	if err := json.Unmarshal(data, &kv); err != nil {
		return nil, err
	}
	secretData := make(map[string][]byte)
	for k, v := range kv {
		var strVal string
		if err := json.Unmarshal(v, &strVal); err == nil {
			secretData[k] = []byte(strVal)
		} else {
			secretData[k] = v
		}
	}
	return secretData, nil
}

func main() {
	var cases []in
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	res := make([]out, 0, len(cases))
	for _, c := range cases {
		v, err := base64.StdEncoding.DecodeString(c.Value)
		if err != nil {
			panic(err)
		}
		o := out{Name: c.Name}
		m, err := getSecretMap(v)
		if err != nil {
			o.Error = true
		} else {
			o.Map = map[string]string{}
			for k, b := range m {
				o.Map[k] = base64.StdEncoding.EncodeToString(b)
			}
		}
		res = append(res, o)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}
