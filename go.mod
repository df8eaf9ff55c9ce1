module github.com/pagos-go/pagos

go 1.24.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/lib/pq v1.10.9
)

require github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
