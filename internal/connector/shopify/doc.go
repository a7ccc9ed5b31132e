package shopify
