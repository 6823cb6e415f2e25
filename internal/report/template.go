package report

import (
	_ "embed"
)

// DefaultTemplateName is the name the default template is stored under.
const DefaultTemplateName = "默认模板：意识形态工作责任制落实情况报告"

//go:embed templates/default.zrt
var defaultTemplate string

// DefaultTemplate returns the source of the default template: the structure
// of the source document (an opening, the six parts, problems, next steps)
// with its figures computed from the ledger.
func DefaultTemplate() string { return defaultTemplate }
