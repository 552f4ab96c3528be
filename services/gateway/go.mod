module wsms/gateway

go 1.26
