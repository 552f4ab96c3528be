module wsms/schema

go 1.26
