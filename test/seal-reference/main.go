// The unseal step of a Sealed Secrets controller, in Go with the standard library the controller uses
// (crypto/rsa DecryptOAEP with SHA-256, AES-256-GCM with a zero nonce), for
// test/security/sealed-go.test.ts. Written from Sealed Secrets' documented format
// (docs/developer/crypto.md): uint16be(len(rsa)) || rsa || aes.
//
// stdin:  {"privateKeyPem": "...", "items": [{"label": "<base64>", "value": "<base64 encryptedData>"}]}
// stdout: [{"plain": "<base64>"} | {"error": "..."}]
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
)

type item struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

type input struct {
	PrivateKeyPem string `json:"privateKeyPem"`
	Items         []item `json:"items"`
}

type output struct {
	Plain *string `json:"plain,omitempty"`
	Error string  `json:"error,omitempty"`
}

func unseal(priv *rsa.PrivateKey, blob, label []byte) ([]byte, error) {
	if len(blob) < 2 {
		return nil, errors.New("too short")
	}
	n := int(binary.BigEndian.Uint16(blob))
	if len(blob) < n+2 {
		return nil, errors.New("too short")
	}
	sessionKey, err := rsa.DecryptOAEP(sha256.New(), nil, priv, blob[2:n+2], label)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sessionKey)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, make([]byte, gcm.NonceSize()), blob[n+2:], nil)
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	block, _ := pem.Decode([]byte(in.PrivateKeyPem))
	if block == nil {
		panic("no PEM block")
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	out := make([]output, 0, len(in.Items))
	for _, it := range in.Items {
		label, err1 := base64.StdEncoding.DecodeString(it.Label)
		blob, err2 := base64.StdEncoding.DecodeString(it.Value)
		if err1 != nil || err2 != nil {
			out = append(out, output{Error: "bad base64"})
			continue
		}
		plain, err := unseal(priv, blob, label)
		if err != nil {
			out = append(out, output{Error: err.Error()})
			continue
		}
		s := base64.StdEncoding.EncodeToString(plain)
		out = append(out, output{Plain: &s})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
