#!/bin/sh
# Runs Maven through the proxy named by HTTPS_PROXY (else HTTP_PROXY) and NO_PROXY (or their
# lower-case forms), which Maven itself ignores: it becomes the <proxy> of a settings file passed
# with -s, as Maven's guide to proxies writes one (its <protocol> is the proxy's own, http for
# http://host:port, and it serves the https repositories too).
# With none set, it is plain mvn. The image build (Dockerfile) runs Maven through it, so a build
# behind a proxy works once docker passes the variables (its client configuration's "proxies",
# or --build-arg HTTPS_PROXY=...).
#   sh scripts/maven-with-proxy.sh [maven arguments]
set -eu
settings="${MAVEN_PROXY_SETTINGS:-/tmp/maven-proxy-settings.xml}"

xml() {  # XML-escapes its argument
    printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&apos;/g"
}

proxy() {  # proxy URL: the <proxy> element
    case "$1" in
        https://*) protocol=https ;;
        *) protocol=http ;;
    esac
    rest="${1#*://}"
    user=""
    case "$rest" in
        *@*) user="${rest%@*}"; rest="${rest##*@}" ;;
    esac
    hostport="${rest%%/*}"
    case "$hostport" in
        *:*) host="${hostport%:*}"; port="${hostport##*:}" ;;
        *) host="$hostport"; [ "$protocol" = https ] && port=443 || port=80 ;;
    esac
    case "$port" in
        ''|*[!0-9]*) echo "maven-with-proxy: the proxy '$1' has no valid port" >&2; exit 2 ;;
    esac
    printf '    <proxy><id>proxy</id><active>true</active><protocol>%s</protocol><host>%s</host><port>%s</port>' \
        "$protocol" "$(xml "$host")" "$port"
    if [ -n "$user" ]; then
        printf '<username>%s</username><password>%s</password>' "$(xml "${user%%:*}")" "$(xml "${user#*:}")"
    fi
    printf '<nonProxyHosts>%s</nonProxyHosts></proxy>\n' "$(xml "$non_proxy")"
}

url="${HTTPS_PROXY:-${https_proxy:-${HTTP_PROXY:-${http_proxy:-}}}}"
# NO_PROXY's "a,.b" is Maven's "a|*.b"
non_proxy="$(printf '%s' "${NO_PROXY:-${no_proxy:-}}" | tr -d ' ' | sed -e 's/,\./,*./g' -e 's/^\./*./' | tr ',' '|')"
if [ -z "$url" ]; then
    exec mvn "$@"
fi
{
    echo '<settings>'
    echo '  <proxies>'
    proxy "$url"
    echo '  </proxies>'
    echo '</settings>'
} > "$settings"
echo "maven-with-proxy: Maven through the proxy $(echo "$url" | sed 's|//[^@/]*@|//|')" >&2
exec mvn -s "$settings" "$@"
