// Package sprig holds the sprig 3.3 functions ESO uses whose Go signature differs from Debian's
// sprig 3.2.3, so the reference calls them as ESO does. The package is named sprig so that Go's
// error messages name the types as ESO's do (sprig.HashAlgorithm).
package sprig

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// HashAlgorithm is sprig 3.3's named string type for htpasswd's third parameter: a template may
// pass a string constant, which Go converts, but not a string-typed value.
type HashAlgorithm string

// Htpasswd follows sprig 3.3: "sha" gives {SHA}base64(sha1), anything else bcrypt at cost 10.
func Htpasswd(username string, password string, algo HashAlgorithm) string {
	if strings.Contains(username, ":") {
		return fmt.Sprintf("invalid username: %s", username)
	}
	if algo == "sha" {
		sum := sha1.Sum([]byte(password))
		return username + ":{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Sprintf("failed to encrypt string with bcrypt: %s", err)
	}
	return username + ":" + string(h)
}
