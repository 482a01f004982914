package did

import (
	"github.com/openbadges-go/openbadges/internal/budget"
)

// ErrBudgetExceeded reports a fetch refused because the verification it
// belongs to has spent its budget: its number of fetches, its bytes, its
// time, or (for the work below a credential whose own proof did not
// verify) any fetch at all. The budget travels in the request's context;
// package badge installs it (badge.Budget) and badge.ErrBudgetExceeded is
// the same value. It is always wrapped together with [ErrFetch] by the
// resolvers of this package.
var ErrBudgetExceeded = budget.ErrExceeded
