/ip/firewall/nat add chain=dstnat action=dst-nat to-addresses=10.0.0.1 to-ports=25 dst-port=25 protocol=tcp
/ip firewall filter
add chain=forward action=jump jump-target=x
add chain=x action=return src-address=!1.2.3.0/24
