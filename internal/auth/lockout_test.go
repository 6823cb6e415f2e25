package auth

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestLockoutFifthFailureLocks(t *testing.T) {
	p := Level3()
	var s LoginState
	for i := 1; i <= 4; i++ {
		s = p.AfterFailure(s, t0.Add(time.Duration(i)*time.Second))
		if locked, _ := p.Locked(s, t0.Add(time.Duration(i)*time.Second)); locked || s.Failures != i {
			t.Fatalf("after %d failures: %+v, locked %v", i, s, locked)
		}
	}
	fifth := t0.Add(5 * time.Second)
	s = p.AfterFailure(s, fifth)
	locked, until := p.Locked(s, fifth)
	if !locked || !until.Equal(fifth.Add(10*time.Minute)) || s.Failures != 5 {
		t.Fatalf("after the 5th failure: %+v, locked %v until %v", s, locked, until)
	}

	// The right password during the lock: the caller refuses before verifying,
	// and even a success reported anyway does not unlock or reset.
	during := fifth.Add(time.Minute)
	if got := p.AfterSuccess(s, during); got != s {
		t.Fatalf("a success during the lock changed the state: %+v → %+v", s, got)
	}
	if locked, _ := p.Locked(p.AfterSuccess(s, during), during); !locked {
		t.Fatal("a success during the lock unlocked the account")
	}
	// A failure during the lock neither counts nor extends it.
	if got := p.AfterFailure(s, during); got != s {
		t.Fatalf("a failure during the lock changed the state: %+v → %+v", s, got)
	}

	// The lock holds until LockoutMinutes have passed, then opens.
	if locked, _ := p.Locked(s, until.Add(-time.Nanosecond)); !locked {
		t.Fatal("unlocked a nanosecond early")
	}
	if locked, _ := p.Locked(s, until); locked {
		t.Fatal("still locked after LockoutMinutes")
	}
	if got := p.AfterSuccess(s, until); got != (LoginState{}) {
		t.Fatalf("success after the lock = %+v, want the zero state", got)
	}
	// A failure after the lock starts a fresh count.
	after := p.AfterFailure(s, until.Add(time.Second))
	if after != (LoginState{Failures: 1}) {
		t.Fatalf("failure after the lock = %+v, want a fresh count of 1", after)
	}
}

func TestLockoutCountsConsecutiveFailures(t *testing.T) {
	p := Level3()
	var s LoginState
	for range 4 {
		s = p.AfterFailure(s, t0)
	}
	s = p.AfterSuccess(s, t0)
	if s != (LoginState{}) {
		t.Fatalf("success did not reset the count: %+v", s)
	}
	for range 4 {
		s = p.AfterFailure(s, t0)
	}
	if locked, _ := p.Locked(s, t0); locked {
		t.Fatal("4 + 4 failures split by a success locked the account")
	}
}

func TestLockoutTightened(t *testing.T) {
	p := Level3()
	p.MaxFailures, p.LockoutMinutes = 3, 30
	var s LoginState
	for range 3 {
		s = p.AfterFailure(s, t0)
	}
	if locked, until := p.Locked(s, t0); !locked || !until.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("3rd failure: locked %v until %v", locked, until)
	}
	// A policy weaker than level 3 still locks after 5 for 10 minutes.
	weak := Policy{MaxFailures: 50, LockoutMinutes: 1}
	s = LoginState{}
	for range 5 {
		s = weak.AfterFailure(s, t0)
	}
	if locked, until := weak.Locked(s, t0); !locked || !until.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("weak policy, 5th failure: locked %v until %v", locked, until)
	}
}

func TestPasswordExpired(t *testing.T) {
	p := Level3()
	changed := t0
	cases := []struct {
		now  time.Time
		want bool
	}{
		{changed, false},
		{changed.Add(89 * 24 * time.Hour), false},
		{changed.Add(90*24*time.Hour - time.Nanosecond), false},
		{changed.Add(90 * 24 * time.Hour), true}, // exactly 90 days
		{changed.Add(91 * 24 * time.Hour), true},
	}
	for _, c := range cases {
		if got := PasswordExpired(p, changed, c.now); got != c.want {
			t.Errorf("PasswordExpired at +%v = %v, want %v", c.now.Sub(changed), got, c.want)
		}
	}
	if !PasswordExpired(p, time.Time{}, t0) {
		t.Error("a zero changedAt (password set by an admin) must count as expired")
	}
	p.ExpiryDays = 30
	if !PasswordExpired(p, changed, changed.Add(30*24*time.Hour)) {
		t.Error("tightened expiry of 30 days not applied")
	}
	if !PasswordExpired(Policy{ExpiryDays: 365}, changed, changed.Add(90*24*time.Hour)) {
		t.Error("an invalid 365-day expiry must act as 90 days")
	}
}

func TestSessionIdle(t *testing.T) {
	p := Level3()
	if SessionIdle(p, t0, t0.Add(30*time.Minute-time.Second)) {
		t.Error("idle after 29m59s")
	}
	if !SessionIdle(p, t0, t0.Add(30*time.Minute)) {
		t.Error("not idle after exactly 30 minutes")
	}
	if !SessionIdle(Policy{IdleMinutes: 60}, t0, t0.Add(30*time.Minute)) {
		t.Error("an invalid 60-minute idle timeout must act as 30 minutes")
	}
	p.IdleMinutes = 15
	if !SessionIdle(p, t0, t0.Add(15*time.Minute)) || p.IdleTimeout() != 15*time.Minute {
		t.Error("tightened idle timeout not applied")
	}
	if Level3().LockoutDuration() != 10*time.Minute {
		t.Error("LockoutDuration")
	}
}
