package budget

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestZeroLimitsTakeTheDefaults(t *testing.T) {
	got := Limits{}.WithDefaults()
	want := Limits{Fetches: DefaultFetches, Bytes: DefaultBytes, Time: DefaultTime, Credentials: DefaultCredentials}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if l := (Limits{Fetches: -1}).WithDefaults(); l.Fetches != -1 {
		t.Fatalf("a negative Fetches (none) was changed to %d", l.Fetches)
	}
}

func TestEachLimitIsEnforcedAndTheFirstIsRemembered(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		spend  func(b *Budget) error
		limit  Limit
	}{
		{"fetches", Limits{Fetches: 2}, func(b *Budget) error {
			for range 2 {
				if err := b.Fetch("https://a.example/"); err != nil {
					return err
				}
			}
			return b.Fetch("https://b.example/")
		}, LimitFetches},
		{"no fetch at all", Limits{Fetches: -1}, func(b *Budget) error { return b.Fetch("https://a.example/") }, LimitFetches},
		{"bytes", Limits{Bytes: 10}, func(b *Budget) error {
			if err := b.Bytes(10); err != nil {
				return err
			}
			return b.Bytes(1)
		}, LimitBytes},
		{"credentials", Limits{Credentials: 1}, func(b *Budget) error {
			if err := b.Credential(); err != nil {
				return err
			}
			return b.Credential()
		}, LimitCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.limits, time.Now())
			err := tt.spend(b)
			var be *Error
			if !errors.As(err, &be) || be.Limit != tt.limit || !errors.Is(err, ErrExceeded) {
				t.Fatalf("got %v, want a %s budget error", err, tt.limit)
			}
			if !errors.Is(b.Err(), ErrExceeded) {
				t.Fatalf("the exceedance was not remembered: %v", b.Err())
			}
		})
	}
}

func TestTheDeadlineIsTheBudgets(t *testing.T) {
	ctx, b, owner, cancel := Start(context.Background(), Limits{Time: time.Millisecond})
	defer cancel()
	if !owner {
		t.Fatal("a new budget's starter owns it")
	}
	<-ctx.Done()
	err := Wrap(ctx, ctx.Err())
	if !errors.Is(err, ErrExceeded) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the budget's time limit wrapping the deadline", err)
	}
	if !errors.Is(b.Err(), ErrExceeded) {
		t.Fatalf("Err after the deadline: %v", b.Err())
	}

	// Another deadline is not the budget's.
	parent, cancelParent := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancelParent()
	ctx2, _, _, cancel2 := Start(parent, Limits{})
	defer cancel2()
	<-ctx2.Done()
	if err := Wrap(ctx2, ctx2.Err()); errors.Is(err, ErrExceeded) {
		t.Fatalf("the caller's deadline was reported as the budget: %v", err)
	}
}

func TestANestedStartSharesTheBudget(t *testing.T) {
	ctx, b, _, cancel := Start(context.Background(), Limits{Fetches: 1})
	defer cancel()
	ctx2, b2, owner, cancel2 := Start(ctx, Limits{Fetches: 100})
	defer cancel2()
	if owner || b2 != b || From(ctx2) != b {
		t.Fatal("a nested Start must share the budget, not start one")
	}
	if err := b2.Fetch("https://a.example/"); err != nil {
		t.Fatal(err)
	}
	if err := b.Fetch("https://b.example/"); !errors.Is(err, ErrExceeded) {
		t.Fatalf("the nested limits widened the budget: %v", err)
	}
}

func TestANilBudgetAllowsEverything(t *testing.T) {
	var b *Budget
	if b.Fetch("x") != nil || b.Bytes(1<<40) != nil || b.Credential() != nil || b.Err() != nil {
		t.Fatal("a nil budget refused")
	}
	if From(context.Background()) != nil {
		t.Fatal("a bare context carries a budget")
	}
}
