package app

import (
	"context"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ExportInPages runs an export reading pageSize rows at a time, so that tests
// exercise the paging with a small ledger.
func (a *App) ExportInPages(ctx context.Context, ac domain.Actor, q ActivityQuery, pageSize int) (*LedgerExport, error) {
	return a.export(ctx, ac, q, pageSize)
}

// SetListExportPage makes the list exports read n rows a page.
func (a *App) SetListExportPage(n int) { a.listExportPage = n }

// OnSlowPhase sets a function run inside the read phase of a report snapshot
// ("report") or a problem decision ("problems"), before its write.
func (a *App) OnSlowPhase(f func(name string)) { a.slowPhase = f }
