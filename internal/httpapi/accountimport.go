package httpapi

import (
	"bytes"
	"net/http"

	"github.com/zeren-edu/zeren/internal/app"
)

func (s *Server) updateAccount(c *call) error {
	var b app.AccountEdit
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.UpdateAccount(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(accountView(out))
}

func (s *Server) previewAccountImport(c *call) error {
	buf, _, err := readWorkbookUpload(c, app.MaxImportFileSize)
	if err != nil {
		return err
	}
	ac, _ := c.actor()
	out, err := s.app.PreviewAccountImport(c.ctx(), ac, buf)
	if err != nil {
		return err
	}
	return c.reply(out)
}

type accountImportBody struct {
	Created []createdAccountBody `json:"created"`
}

func (s *Server) importAccounts(c *call) error {
	buf, _, err := readWorkbookUpload(c, app.MaxImportFileSize)
	if err != nil {
		return err
	}
	ac, _ := c.actor()
	res, err := s.app.ImportAccounts(c.ctx(), ac, buf)
	if err != nil {
		return err
	}
	out := accountImportBody{Created: make([]createdAccountBody, len(res.Created))}
	for i, ca := range res.Created {
		out.Created[i] = createdAccountBody{Account: accountView(ca.Account), InitialPassword: ca.InitialPassword}
	}
	return c.reply(out)
}

func (s *Server) getAccountImportTemplate(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.app.AccountImportTemplate(ac, &buf); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", "账号导入模板.xlsx"))
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(buf.Bytes())
	return err
}
