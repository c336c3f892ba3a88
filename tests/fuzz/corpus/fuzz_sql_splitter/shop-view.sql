-- A reporting view, in SQL every dialect runs as written.
-- bellows:up
CREATE VIEW order_summary AS
  SELECT c.email, count(o.id) AS orders, coalesce(sum(o.total_cents), 0) AS total_cents
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.email;
-- bellows:down
DROP VIEW order_summary;
