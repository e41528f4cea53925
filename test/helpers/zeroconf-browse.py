# Browses one DNS-SD service type with python-zeroconf (the library Home Assistant
# uses) and prints each service found as a JSON line: name, port, addresses, TXT.
import json
import sys
import time

from zeroconf import ServiceBrowser, Zeroconf

service_type = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
found = {}


class Listener:
    def add_service(self, zc, type_, name):
        info = zc.get_service_info(type_, name, timeout=3000)
        if info is None:
            return
        found[name] = {
            "name": name,
            "port": info.port,
            "addresses": info.parsed_addresses(),
            "txt": {k.decode(): (v.decode() if v is not None else None) for k, v in info.properties.items()},
        }
        print(json.dumps(found[name]), flush=True)

    def update_service(self, zc, type_, name):
        pass

    def remove_service(self, zc, type_, name):
        pass


zc = Zeroconf()
ServiceBrowser(zc, service_type, Listener())
deadline = time.time() + seconds
while time.time() < deadline and not found:
    time.sleep(0.1)
zc.close()
sys.exit(0 if found else 1)
