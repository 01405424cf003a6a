package sqlstore

import (
	"context"
	"strings"

	"roster"
)

// CreateField adds a custom field definition.
func (s *Store) CreateField(ctx context.Context, tenantID int64, f *roster.FieldDef) error {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return err
	}
	f.CreatedAt = s.now()
	return s.InTx(ctx, func(tx *Tx) error {
		// A column is mapped to a field by its key or label, so no two
		// fields of a kind may answer to the same name.
		others, err := s.listFields(ctx, tx, tenantID, f.Kind)
		if err != nil {
			return err
		}
		for _, o := range others {
			for _, name := range []string{o.Key, o.Label} {
				if name != "" && f.Key != o.Key && (strings.EqualFold(name, f.Label) || strings.EqualFold(name, f.Key)) {
					return roster.Errorf(roster.ECONFLICT, "custom field %q is already called %q; a column of that name would not know which field it fills", o.Key, name).With("field", "label")
				}
			}
		}
		return tx.QueryRowContext(ctx, s.Q(`INSERT INTO fields (tenant_id, kind, key, label, type, choices, max_length, required, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			tenantID, string(f.Kind), f.Key, f.Label, string(f.Type), encodeList(f.Choices), f.MaxLength, f.Required, f.CreatedAt).Scan(&f.ID)
	})
}

// ListFields returns the tenant's field definitions of one kind in creation order.
func (s *Store) ListFields(ctx context.Context, tenantID int64, kind roster.Kind) ([]*roster.FieldDef, error) {
	return s.listFields(ctx, s.DB, tenantID, kind)
}

func (s *Store) listFields(ctx context.Context, q queryer, tenantID int64, kind roster.Kind) ([]*roster.FieldDef, error) {
	rows, err := q.QueryContext(ctx, s.Q(`SELECT id, kind, key, label, type, choices, max_length, required, created_at
		FROM fields WHERE tenant_id = ? AND kind = ? ORDER BY id`), tenantID, string(kind))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*roster.FieldDef{}
	for rows.Next() {
		f := &roster.FieldDef{}
		var k, typ, choices string
		if err := rows.Scan(&f.ID, &k, &f.Key, &f.Label, &typ, &choices, &f.MaxLength, &f.Required, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.Kind, f.Type, f.Choices = roster.Kind(k), roster.FieldType(typ), decodeList(choices)
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// DeleteField removes a definition and its values from every record of its kind.
func (s *Store) DeleteField(ctx context.Context, tenantID int64, kind roster.Kind, key string) error {
	if !kind.Valid() {
		return roster.Errorf(roster.EINVALID, "kind must be contacts or companies")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		// An import reads the fields when it starts and writes their values
		// to the end: removed under it, the field's values would come back
		// on the rows it writes after, values no field defines.
		switch lock, err := s.liveLock(ctx, tx, tenantID); {
		case err != nil:
			return err
		case lock != nil:
			return roster.Errorf(roster.EINPROGRESS, "import %d of this tenant is running; remove the field when it has finished", lock.ImportID).With("import_id", lock.ImportID)
		}
		res, err := tx.ExecContext(ctx, s.Q(`DELETE FROM fields WHERE tenant_id = ? AND kind = ? AND key = ?`), tenantID, string(kind), key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return roster.Errorf(roster.ENOTFOUND, "%s field %q not found", strings.TrimSuffix(string(kind), "s"), key)
		}
		// Values live in each record's JSON; rewrite only the records that hold the key.
		table := tableOf(kind)
		rows, err := tx.QueryContext(ctx, s.Q(`SELECT id, custom FROM `+table+` WHERE tenant_id = ? AND custom LIKE ? ESCAPE '\'`),
			tenantID, "%"+escapeLike(`"`+key+`":`)+"%")
		if err != nil {
			return err
		}
		type rec struct {
			id     int64
			custom string
		}
		var recs []rec
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.id, &r.custom); err != nil {
				rows.Close()
				return err
			}
			recs = append(recs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range recs {
			m := decodeCustom(r.custom)
			delete(m, key)
			if _, err := tx.ExecContext(ctx, s.Q(`UPDATE `+table+` SET custom = ? WHERE id = ?`), encodeCustom(m), r.id); err != nil {
				return err
			}
		}
		return nil
	})
}
