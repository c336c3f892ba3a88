-- Sample data, in SQL every dialect runs as written.
-- bellows:up
INSERT INTO customers (email, name) VALUES ('ann@example.com', 'Ann Archer');
INSERT INTO customers (email, name, nickname) VALUES ('bob@example.com', 'Bob Baker', 'bobby');
INSERT INTO products (sku, title, price_cents, legacy_code) VALUES ('MUG-1', 'Coffee mug', 1200, 'X-17');
INSERT INTO products (sku, title, price_cents) VALUES ('TEA-2', 'Green tea', 650);
INSERT INTO orders (customer_id, status, total_cents)
  SELECT id, 'paid', 1850 FROM customers WHERE email = 'ann@example.com';
INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
  SELECT o.id, p.id, 1, p.price_cents FROM orders o, products p WHERE o.total_cents = 1850;
INSERT INTO coupons (code, percent_off) VALUES ('WELCOME', 10);
-- bellows:down
DELETE FROM coupons WHERE code = 'WELCOME';
DELETE FROM order_items;
DELETE FROM orders;
DELETE FROM products WHERE sku IN ('MUG-1', 'TEA-2');
DELETE FROM customers WHERE email IN ('ann@example.com', 'bob@example.com');
