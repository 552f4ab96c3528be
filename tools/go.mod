module wsms/tools

go 1.26
