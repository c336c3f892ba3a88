\set id random(1, :nrows)
UPDATE items SET qty = qty + 1 WHERE id = :id;
