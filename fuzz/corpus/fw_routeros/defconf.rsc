# 2026-11-30 09:14:31 by RouterOS 7.16.1
# software id = 7KQ3-D3EF
#
# model = RB5009UG+S+
# serial number = HF2091ABCDE
/interface bridge
add admin-mac=48:A9:8A:00:00:01 auto-mac=no comment=defconf name=bridge
/interface wireguard
add listen-port=13231 mtu=1420 name=wg0 private-key=\
    "yH0kSECRETwgPRIVATEkeyAAAAAAAAAAAAAAAAAAAAAA="
/interface list
add comment=defconf name=WAN
add comment=defconf name=LAN
/ip pool
add name=default-dhcp ranges=192.168.88.10-192.168.88.254
/ip dhcp-server
add address-pool=default-dhcp interface=bridge name=defconf
/interface bridge port
add bridge=bridge comment=defconf interface=ether2
add bridge=bridge comment=defconf interface=ether3
add bridge=bridge comment=defconf interface=ether4
/ip neighbor discovery-settings
set discover-interface-list=LAN
/interface list member
add comment=defconf interface=bridge list=LAN
add comment=defconf interface=ether1 list=WAN
/interface wireguard peers
add allowed-address=10.8.0.2/32 interface=wg0 preshared-key=\
    "pSkSECRETpresharedAAAAAAAAAAAAAAAAAAAAAAAAAA=" public-key=\
    "pUbKEYvisibleAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
/ip address
add address=192.168.88.1/24 comment=defconf interface=bridge network=\
    192.168.88.0
add address=192.0.2.25/24 interface=ether1 network=192.0.2.0
/ip dhcp-server network
add address=192.168.88.0/24 comment=defconf dns-server=192.168.88.1 gateway=\
    192.168.88.1
/ip dns
set allow-remote-requests=yes
/ip dns static
add address=192.168.88.1 comment=defconf name=router.lan type=A
/ip firewall address-list
add address=198.51.100.0/28 list=partners
add address=198.51.100.128/27 list=blocklist
/ip firewall filter
add action=accept chain=input comment=\
    "defconf: accept established,related,untracked" connection-state=\
    established,related,untracked
add action=drop chain=input comment="defconf: drop invalid" connection-state=\
    invalid
add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
add action=accept chain=input comment=\
    "defconf: accept to local loopback (for CAPsMAN)" dst-address=127.0.0.1
add action=drop chain=input comment="defconf: drop all not coming from LAN" \
    in-interface-list=!LAN
add action=accept chain=forward comment="defconf: accept in ipsec policy" \
    ipsec-policy=in,ipsec
add action=accept chain=forward comment="defconf: accept out ipsec policy" \
    ipsec-policy=out,ipsec
add action=fasttrack-connection chain=forward comment="defconf: fasttrack" \
    connection-state=established,related hw-offload=yes
add action=accept chain=forward comment=\
    "defconf: accept established,related, untracked" connection-state=\
    established,related,untracked
add action=drop chain=forward comment="defconf: drop invalid" \
    connection-state=invalid
add action=drop chain=forward comment=\
    "defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat \
    connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat comment="defconf: masquerade" \
    ipsec-policy=out,none out-interface-list=WAN
add action=dst-nat chain=dstnat comment="mail: smtp" dst-port=25 \
    in-interface-list=WAN protocol=tcp to-addresses=192.168.88.25 to-ports=25
/ip firewall raw
add action=drop chain=prerouting comment="known spam sources" \
    src-address-list=blocklist
/ip route
add disabled=no dst-address=0.0.0.0/0 gateway=192.0.2.1
/snmp community
set [ find default=yes ] addresses=192.168.88.0/24 name=s3cretcommunity
/system clock
set time-zone-name=Europe/Berlin
/system identity
set name=edge-gw
/system note
set show-at-login=no
/tool e-mail
set from=edge-gw@example.com port=587 server=192.168.88.25 tls=starttls \
    user=edge-gw password=Em4ilPassw0rd
/tool mac-server
set allowed-interface-list=LAN
/tool mac-server mac-winbox
set allowed-interface-list=LAN
