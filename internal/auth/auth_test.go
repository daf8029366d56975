package auth

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not an argon2id PHC string", hash)
	}
	if !CheckPassword(hash, "correct horse battery") {
		t.Error("the right password is refused")
	}
	for _, wrong := range []string{"correct horse batterY", "", "correct horse battery "} {
		if CheckPassword(hash, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	for _, broken := range []string{"", "plain", "$argon2i$v=19$m=65536,t=3,p=2$AAAA$AAAA", strings.Replace(hash, "m=65536", "m=999999999", 1)} {
		if CheckPassword(broken, "correct horse battery") {
			t.Errorf("broken hash %q accepted", broken)
		}
	}
	if other, _ := HashPassword("correct horse battery"); other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a five-character password was accepted")
	}
}

func TestToken(t *testing.T) {
	a, ha := NewToken()
	b, hb := NewToken()
	if a == b || ha == hb || len(a) < 40 || HashToken(a) != ha || strings.Contains(ha, a) {
		t.Errorf("tokens %q %q, hashes %q %q", a, b, ha, hb)
	}
}
